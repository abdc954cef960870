/**
 * GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH, GEOSEARCHSTORE: Redis's
 * georadiusGeneric. Points are collected box by box (the centre cell, then N, S,
 * E, W, NE, NW, SE, SW) in zset order, filtered by the exact shape, then sorted by
 * distance: a stable full sort where Redis calls glibc's (merge sort) qsort, and
 * Redis's own partial quicksort where COUNT cuts the result.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { ZSetValue } from '../../keyspace/values.js';
import { EMPTY_ARRAY, E, ZERO, array, bulk, err, errSyntax, int, type Reply } from '../../reply.js';
import { castInt64 } from '../../util/ccast.js';
import { parseLongLong } from '../../util/float.js';
import { convertToListpackIfNeeded, newZSetValue, zsetAdd, zsetLimits } from '../../types/zset.js';
import { align52, decodeScore, isZeroHash, type HashBits } from './geohash.js';
import { areasByShape, distanceIfWithin, type SearchArea, type Shape } from './area.js';
import { isReply, parseBox, parseDistance, parseLongLat } from './args.js';
import { coordReply, distanceReply } from './format.js';
import { pqsort } from '../sort/pqsort.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const RADIUS_COORDS = 1, RADIUS_MEMBER = 2, RADIUS_NOSTORE = 4, GEOSEARCH = 8, GEOSEARCHSTORE = 16;

interface GeoPoint { longitude: number; latitude: number; dist: number; score: number; member: string }

/** geoGetPointsInRange: members with min <= score < max inside the shape, appended to `out`. */
function pointsInRange(zv: ZSetValue, min: number, max: number, shape: Shape, out: GeoPoint[], limit: number): void {
  let node = zv.v.firstInRange({ min, max, minex: false, maxex: true });
  for (; node && node.score < max; node = node.next[0]) {
    const [lon, lat] = decodeScore(node.score);
    const dist = distanceIfWithin(shape, lon, lat);
    if (dist !== null) out.push({ longitude: lon, latitude: lat, dist, score: node.score, member: node.member });
    if (out.length && limit && out.length >= limit) break;
  }
}

/** membersOfAllNeighbors: the nine cells, skipping zeroed ones and a repeat of the previous cell. */
function membersOfAllNeighbors(zv: ZSetValue, area: SearchArea, shape: Shape, limit: number): GeoPoint[] {
  const n = area.neighbors;
  const cells: HashBits[] = [area.hash, n.north, n.south, n.east, n.west, n.north_east, n.north_west, n.south_east, n.south_west];
  const out: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (isZeroHash(c)) continue;
    // With huge radii adjacent neighbours can be the same cell.
    if (last && c.bits === cells[last].bits && c.step === cells[last].step) continue;
    if (out.length && limit && out.length >= limit) break;
    const min = Number(align52(c));
    const max = Number(align52({ bits: c.bits + 1n, step: c.step }));
    pointsInRange(zv, min, max, shape, out, limit);
    last = i;
  }
  return out;
}

const sortAsc = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const sortDesc = (a: GeoPoint, b: GeoPoint): number => -sortAsc(a, b);

function georadiusGeneric(ctx: Ctx, argv: string[], srcKeyIndex: number, flags: number): Reply {
  let storekey: string | null = null;
  let storedist = false;
  const found = ctx.db.lookupRead(argv[srcKeyIndex]);
  if (found && found.type !== 'zset') return err(E.WRONGTYPE);
  const zobj = found as ZSetValue | undefined;

  // The centre and the shape; the shape kind may come later from BYRADIUS/BYBOX.
  let xy: [number, number] = [0, 0];
  let conversion = 0;
  let circle: { radius: number } | null = null;
  let box: { width: number; height: number } | null = null;
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const ll = parseLongLat(argv[2], argv[3]);
    if (isReply(ll)) return ll;
    xy = ll;
    const d = parseDistance(argv[4], argv[5]);
    if (isReply(d)) return d;
    circle = { radius: d.radius };
    conversion = d.conversion;
  } else if ((flags & RADIUS_MEMBER) && !zobj) {
    // No source key: parse the options anyway to know which empty reply to send.
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const score = zobj!.v.score(argv[2]);
    if (score === undefined) return err('ERR could not decode requested zset member');
    xy = decodeScore(score);
    const d = parseDistance(argv[3], argv[4]);
    if (isReply(d)) return d;
    circle = { radius: d.radius };
    conversion = d.conversion;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1];
    }
  }

  let withdist = false, withhash = false, withcoords = false;
  let frommember = false, fromloc = false, byradius = false, bybox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at].toLowerCase();
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      const v = parseLongLong(argv[at + 1]);
      if (v === null) return err('ERR value is not an integer or out of range');
      if (v <= 0n) return err('ERR COUNT must be > 0');
      // Counts beyond 2^53 only ever compare against array lengths.
      count = Number(v);
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining &&
      !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[at + 1];
      storedist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && (flags & GEOSEARCH) && (flags & GEOSEARCHSTORE)) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && (flags & GEOSEARCH) && !fromloc) {
      // Without a source key the member is not looked up: the reply is empty anyway.
      if (zobj) {
        const score = zobj.v.score(argv[at + 1]);
        if (score === undefined) return err('ERR could not decode requested zset member');
        xy = decodeScore(score);
      }
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && (flags & GEOSEARCH) && !frommember) {
      const ll = parseLongLat(argv[at + 1], argv[at + 2]);
      if (isReply(ll)) return ll;
      xy = ll;
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && (flags & GEOSEARCH) && !bybox) {
      const d = parseDistance(argv[at + 1], argv[at + 2]);
      if (isReply(d)) return d;
      circle = { radius: d.radius };
      conversion = d.conversion;
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && (flags & GEOSEARCH) && !byradius) {
      const b = parseBox(argv[at + 1], argv[at + 2], argv[at + 3]);
      if (isReply(b)) return b;
      box = { width: b.width, height: b.height };
      conversion = b.conversion;
      bybox = true;
      i += 3;
    } else {
      return errSyntax();
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    return err(`ERR ${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if ((flags & GEOSEARCH) && !(frommember || fromloc)) {
    return err(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  }
  if ((flags & GEOSEARCH) && !(byradius || bybox)) {
    return err(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && !count) return err('ERR the ANY argument requires COUNT argument');

  if (!zobj) {
    if (storekey === null) return EMPTY_ARRAY;
    if (ctx.db.delete(storekey)) notify(ctx, NOTIFY.GENERIC, 'del', storekey);
    return ZERO;
  }

  // COUNT needs an order to pick the closest; ANY takes the first found instead.
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';

  const shape: Shape = box
    ? { type: 'box', xy, conversion, width: box.width, height: box.height }
    : { type: 'circle', xy, conversion, radius: circle!.radius };
  const points = membersOfAllNeighbors(zobj, areasByShape(shape), shape, any ? count : 0);
  if (points.length === 0 && storekey === null) return EMPTY_ARRAY;

  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== 'none') {
    const cmp = sort === 'asc' ? sortAsc : sortDesc;
    if (returned === points.length) points.sort(cmp);
    else pqsort(points, cmp, 0, returned - 1);
  }

  if (storekey === null) {
    const extra = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    const out: Reply[] = [];
    for (let i = 0; i < returned; i++) {
      const gp = points[i];
      const dist = gp.dist / conversion;
      if (!extra) { out.push(bulk(gp.member)); continue; }
      const item: Reply[] = [bulk(gp.member)];
      if (withdist) item.push(distanceReply(dist));
      // (long long) of the score: a geo score is an integer; any other is truncated.
      if (withhash) item.push(int(Number.isSafeInteger(gp.score) ? gp.score : castInt64(gp.score)));
      if (withcoords) item.push(array([coordReply(gp.longitude), coordReply(gp.latitude)]));
      out.push(array(item));
    }
    return array(out);
  }

  if (returned === 0) {
    if (ctx.db.delete(storekey)) notify(ctx, NOTIFY.GENERIC, 'del', storekey);
    return ZERO;
  }
  // Built as a skiplist, then converted like zsetConvertToListpackIfNeeded does.
  const lim = zsetLimits(ctx.server.config);
  const dst = newZSetValue('skiplist');
  let maxLen = 0;
  for (let i = 0; i < returned; i++) {
    const gp = points[i];
    if (gp.member.length > maxLen) maxLen = gp.member.length;
    zsetAdd(dst, storedist ? gp.dist / conversion : gp.score, gp.member, 0, lim);
  }
  convertToListpackIfNeeded(dst, lim, maxLen);
  ctx.db.set(storekey, dst);
  notify(ctx, NOTIFY.ZSET, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storekey);
  return int(returned);
}

registerAll({
  georadius: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS),
  georadiusbymember: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER),
  georadius_ro: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  georadiusbymember_ro: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  geosearch: (ctx, argv) => georadiusGeneric(ctx, argv, 1, GEOSEARCH),
  geosearchstore: (ctx, argv) => georadiusGeneric(ctx, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
});
