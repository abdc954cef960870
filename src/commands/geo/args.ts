/**
 * Argument parsers shared by the geo commands, with Redis's error texts and check
 * order (extractLongLatOrReply, extractUnitOrReply, extractDistanceOrReply,
 * extractBoxOrReply in geo.c).
 */
import { err, E, type Reply } from '../../reply.js';
import { parseDouble } from '../../util/float.js';
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from './geohash.js';
import { printfF } from './format.js';

export const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 't' in x;

/** getDoubleFromObjectOrReply: `msg` replaces the default error text. */
export function parseDoubleArg(s: string, msg?: string): number | Reply {
  const v = parseDouble(s);
  if (v === null) return err(msg ? 'ERR ' + msg : E.NOT_FLOAT);
  return v;
}

/** Longitude then latitude, both parsed before the range check. */
export function parseLongLat(lon: string, lat: string): [number, number] | Reply {
  const x = parseDoubleArg(lon);
  if (isReply(x)) return x;
  const y = parseDoubleArg(lat);
  if (isReply(y)) return y;
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    return err(`ERR invalid longitude,latitude pair ${printfF(x)},${printfF(y)}`);
  }
  return [x, y];
}

/** Meters per unit, or the unit error. */
export function parseUnit(u: string): number | Reply {
  switch (u.toLowerCase()) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
    default: return err('ERR unsupported unit provided. please use M, KM, FT, MI');
  }
}

/** <radius> <unit>. */
export function parseDistance(radius: string, unit: string): { radius: number; conversion: number } | Reply {
  const d = parseDoubleArg(radius, 'need numeric radius');
  if (isReply(d)) return d;
  if (d < 0) return err('ERR radius cannot be negative');
  const conversion = parseUnit(unit);
  if (isReply(conversion)) return conversion;
  return { radius: d, conversion };
}

/** <width> <height> <unit>. */
export function parseBox(width: string, height: string, unit: string): { width: number; height: number; conversion: number } | Reply {
  const w = parseDoubleArg(width, 'need numeric width');
  if (isReply(w)) return w;
  const h = parseDoubleArg(height, 'need numeric height');
  if (isReply(h)) return h;
  if (h < 0 || w < 0) return err('ERR height or width cannot be negative');
  const conversion = parseUnit(unit);
  if (isReply(conversion)) return conversion;
  return { width: w, height: h, conversion };
}
