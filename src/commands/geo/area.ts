/**
 * The search area of GEORADIUS/GEOSEARCH (geohash_helper.c): the step estimated
 * from the radius, the bounding box, the centre cell and its eight neighbours
 * (with the step decreased once when a neighbour does not reach the box, and the
 * neighbours that cannot hold results dropped), plus the distance functions.
 */
import {
  WGS84_LAT, WGS84_LONG, ZERO_HASH, decode, encode, neighbors as cellNeighbors,
  type Area, type HashBits, type Neighbors,
} from './geohash.js';

const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84, as Redis uses it. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** A search shape: a circle (radius) or a box (width x height), in `conversion` units. */
export type Shape =
  | { type: 'circle'; xy: [number, number]; conversion: number; radius: number }
  | { type: 'box'; xy: [number, number]; conversion: number; width: number; height: number };

/** geohashEstimateStepsByRadius. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // so that the range is included in most of the base cases
  // Wider cells towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min lon, min lat, max lon, max lat]. */
export function boundingBox(shape: Shape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  // The widest edge of the box is the one nearer the equator.
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

export interface SearchArea { hash: HashBits; neighbors: Neighbors; area: Area }

/** geohashCalculateAreasByShapeWGS84. */
export function areasByShape(shape: Shape): SearchArea {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  // A box is covered by the circle through its corners.
  let radiusMeters = shape.type === 'circle' ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, latitude);
  const at = (step: number): SearchArea => {
    const hash = encode(WGS84_LONG, WGS84_LAT, longitude, latitude, step)!;
    return { hash, neighbors: cellNeighbors(hash), area: decode(WGS84_LONG, WGS84_LAT, hash)! };
  };
  let r = at(steps);

  // Near the edge of the centre cell the estimated step may be too coarse for a
  // neighbour to cover the whole box: then go one step coarser.
  const n = r.neighbors;
  const north = decode(WGS84_LONG, WGS84_LAT, n.north)!;
  const south = decode(WGS84_LONG, WGS84_LAT, n.south)!;
  const east = decode(WGS84_LONG, WGS84_LAT, n.east)!;
  const west = decode(WGS84_LONG, WGS84_LAT, n.west)!;
  const decrease = north.latitude.max < maxLat || south.latitude.min > minLat ||
    east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    r = at(steps);
  }

  // Drop the neighbours on sides the box does not reach.
  if (steps >= 2) {
    const nb = { ...r.neighbors };
    const a = r.area;
    if (a.latitude.min < minLat) { nb.south = ZERO_HASH; nb.south_west = ZERO_HASH; nb.south_east = ZERO_HASH; }
    if (a.latitude.max > maxLat) { nb.north = ZERO_HASH; nb.north_east = ZERO_HASH; nb.north_west = ZERO_HASH; }
    if (a.longitude.min < minLon) { nb.west = ZERO_HASH; nb.south_west = ZERO_HASH; nb.north_west = ZERO_HASH; }
    if (a.longitude.max > maxLon) { nb.east = ZERO_HASH; nb.south_east = ZERO_HASH; nb.north_east = ZERO_HASH; }
    r = { ...r, neighbors: nb };
  }
  return r;
}

/** geohashGetLatDistance. */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: haversine on Redis's sphere. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  // Same longitude: the cheaper latitude-only distance, as Redis takes it.
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape after decoding: the distance from the shape's centre to the point
 * (x2, y2) when the point is inside the shape, else null.
 */
export function distanceIfWithin(shape: Shape, x2: number, y2: number): number | null {
  const [x1, y1] = shape.xy;
  if (shape.type === 'circle') {
    const d = distance(x1, y1, x2, y2);
    return d > shape.radius * shape.conversion ? null : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  // The latitude test is the cheaper one, so it goes first.
  if (latDistance(y2, y1) > heightM / 2) return null;
  if (distance(x2, y2, x1, y2) > widthM / 2) return null;
  return distance(x1, y1, x2, y2);
}
