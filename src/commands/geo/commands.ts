/**
 * GEOADD, GEOPOS, GEODIST, GEOHASH (geo.c). GEOADD turns each longitude/latitude
 * into its 52-bit cell score and hands the rest to ZADD, as Redis does.
 */
import { HANDLERS, registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { ZSetValue } from '../../keyspace/values.js';
import { E, NIL, NILARRAY, array, bulk, err, errSyntax, type Reply } from '../../reply.js';
import { align52, decodeScore, encodeWGS84, GEO_STEP_MAX, standardGeohash } from './geohash.js';
import { distance } from './area.js';
import { isReply, parseLongLat, parseUnit } from './args.js';
import { coordReply, distanceReply } from './format.js';

/** lookupKeyRead + checkType(zset). */
function readZset(ctx: Ctx, key: string): ZSetValue | undefined | Reply {
  const v = ctx.db.lookupRead(key);
  if (!v) return undefined;
  if (v.type !== 'zset') return err(E.WRONGTYPE);
  return v;
}

/** GEOADD key [NX|XX] [CH] longitude latitude member [...] */
function geoadd(ctx: Ctx, argv: string[]): Reply | Promise<Reply> {
  let xx = false, nx = false;
  let longidx = 2;
  for (; longidx < argv.length; longidx++) {
    const opt = argv[longidx].toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt !== 'ch') break; // CH is left to ZADD
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) return errSyntax();
  const zargv = ['zadd', ...argv.slice(1, longidx)];
  for (let i = longidx; i < argv.length; i += 3) {
    const xy = parseLongLat(argv[i], argv[i + 1]);
    if (isReply(xy)) return xy;
    const hash = encodeWGS84(xy[0], xy[1], GEO_STEP_MAX)!;
    // sdsfromlonglong of the aligned bits: ZADD parses this text back to a double.
    zargv.push(BigInt.asIntN(64, align52(hash)).toString(), argv[i + 2]);
  }
  return HANDLERS.get('zadd')!(ctx, zargv);
}

/** GEOPOS key [member ...] */
function geopos(ctx: Ctx, argv: string[]): Reply {
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = zv?.v.score(argv[j]);
    if (score === undefined) { out.push(NILARRAY); continue; }
    const [lon, lat] = decodeScore(score);
    out.push(array([coordReply(lon), coordReply(lat)]));
  }
  return array(out);
}

/** GEODIST key member1 member2 [M|KM|FT|MI] */
function geodist(ctx: Ctx, argv: string[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) {
    const u = parseUnit(argv[4]);
    if (isReply(u)) return u;
    toMeter = u;
  } else if (argv.length > 5) {
    return errSyntax();
  }
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  if (!zv) return NIL;
  const s1 = zv.v.score(argv[2]);
  const s2 = zv.v.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return NIL;
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  return distanceReply(distance(x1, y1, x2, y2) / toMeter);
}

/** GEOHASH key [member ...] */
function geohash(ctx: Ctx, argv: string[]): Reply {
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = zv?.v.score(argv[j]);
    out.push(score === undefined ? NIL : bulk(standardGeohash(score)));
  }
  return array(out);
}

registerAll({ geoadd, geopos, geodist, geohash });
