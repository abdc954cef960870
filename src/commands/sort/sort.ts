/**
 * SORT and SORT_RO, following Redis 7.0's sort.c: option grammar, BY/GET
 * patterns (incl. hash fields and '#'), LIMIT clamping, numeric/ALPHA ordering
 * (ALPHA compares as strcoll in the C.UTF-8 locale, i.e. bytes up to the first
 * NUL, except with STORE where it is binary), the unstable partial quicksort used
 * for BY + LIMIT, and STORE into a list.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { ListValue, RValue, ZSetValue } from '../../keyspace/values.js';
import { int, array, bulk, NIL, err, E, type Reply } from '../../reply.js';
import { parseLongLong, strtod } from '../../util/float.js';
import { cstr } from '../bitmap/util.js';
import { pqsort } from './pqsort.js';
import { listFrom, newList } from '../../types/list.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';
import { unrestricted, checkCmdWithUnrestrictedKeys } from '../../acl/check.js';

interface SortItem {
  obj: string;
  /** Numeric weight (0 when the BY key is missing). */
  score: number;
  /** ALPHA BY weight; null when the BY key is missing. */
  cmpobj: string | null;
}

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: bigint;
  limitCount: bigint;
  sortby: string | null;
  dontsort: boolean;
  store: string | null;
  gets: string[];
}

/** BY/GET patterns name keys the ACL check never saw: Redis wants read access to every key. */
function fullKeyAccess(ctx: Ctx, argv: string[]): boolean {
  const u = ctx.client.user;
  return unrestricted(u) || checkCmdWithUnrestrictedKeys(u, ctx.spec, argv, ['access']);
}

function parseOptions(ctx: Ctx, argv: string[], readonly: boolean): SortOptions | Reply {
  const fullAccess = fullKeyAccess(ctx, argv);
  const o: SortOptions = {
    desc: false, alpha: false, limitStart: 0n, limitCount: -1n, sortby: null, dontsort: false, store: null, gets: [],
  };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = cstr(argv[j]).toLowerCase();
    if (opt === 'asc') o.desc = false;
    else if (opt === 'desc') o.desc = true;
    else if (opt === 'alpha') o.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const s = parseLongLong(argv[j + 1]);
      const c = s === null ? null : parseLongLong(argv[j + 2]);
      if (s === null || c === null) return err(E.NOT_INT);
      o.limitStart = s;
      o.limitCount = c;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.store = argv[++j];
    } else if (opt === 'by' && left >= 1) {
      o.sortby = argv[++j];
      // A constant BY pattern (no '*') means "do not sort".
      o.dontsort = !cstr(o.sortby).includes('*');
      if (!o.dontsort && !fullAccess) return err('ERR BY option of SORT denied due to insufficient ACL permissions.');
    } else if (opt === 'get' && left >= 1) {
      if (!fullAccess) return err('ERR GET option of SORT denied due to insufficient ACL permissions.');
      o.gets.push(argv[++j]);
    } else return err(E.SYNTAX);
  }
  return o;
}

/**
 * Redis's lookupKeyByPattern: '#' is the element itself; otherwise the first '*'
 * is replaced by the element, and a "->field" suffix reads a hash field. Missing
 * keys, wrong types and patterns without '*' give null.
 */
function lookupByPattern(ctx: Ctx, pattern: string, subst: string): string | null {
  const cp = cstr(pattern);
  if (cp === '#') return subst;
  const star = cp.indexOf('*');
  if (star < 0) return null;
  const arrow = cp.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < cp.length;
  const fieldLen = hasField ? pattern.length - arrow - 2 : 0;
  const postLen = pattern.length - (star + 1) - (hasField ? fieldLen + 2 : 0);
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, star + 1 + postLen);
  const o = ctx.db.lookupRead(key);
  if (!o) return null;
  if (hasField) {
    if (o.type !== 'hash') return null;
    return o.v.get(pattern.slice(arrow + 2)) ?? null;
  }
  return o.type === 'string' ? o.v : null;
}

/** strcoll() under C/C.UTF-8 collation: strcmp on the bytes before the first NUL. */
function collate(a: string, b: string): number {
  const x = cstr(a), y = cstr(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function makeComparator(desc: boolean, alpha: boolean, byPattern: boolean, store: boolean) {
  const strcmp = store ? binary : collate;
  let cmp: (a: SortItem, b: SortItem) => number;
  if (!alpha) {
    cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : binary(a.obj, b.obj));
  } else if (byPattern) {
    cmp = (a, b) => {
      if (a.cmpobj === null || b.cmpobj === null) {
        return a.cmpobj === b.cmpobj ? 0 : a.cmpobj === null ? -1 : 1;
      }
      return strcmp(a.cmpobj, b.cmpobj);
    };
  } else {
    cmp = (a, b) => strcmp(a.obj, b.obj);
  }
  return desc ? (a: SortItem, b: SortItem) => -cmp(a, b) : cmp;
}

/** The numeric weight as sortCommand reads it (strtod up to a NUL; NaN/ERANGE/trailing bytes fail). */
function weightOf(s: string): number | null {
  const r = strtod(s, 0);
  if (r.end !== s.length && s.charCodeAt(r.end) !== 0) return null;
  if (r.erange || Number.isNaN(r.value)) return null;
  return r.value;
}

const item = (obj: string): SortItem => ({ obj, score: 0, cmpobj: null });

function sortGeneric(ctx: Ctx, argv: string[], readonly: boolean): Reply {
  const opts = parseOptions(ctx, argv, readonly);
  if ('t' in opts) return opts;
  const { desc, gets, store } = opts;
  let { alpha, sortby, dontsort } = opts;

  const found = ctx.db.lookupRead(argv[1]);
  if (found && found.type !== 'set' && found.type !== 'list' && found.type !== 'zset') return err(E.WRONGTYPE);
  const sortval: RValue = found ?? newList();

  // A set has no stable order of its own: replicated/scripted SORTs force ALPHA.
  if (dontsort && sortval.type === 'set' && (store !== null || ctx.inScript)) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack sorted set to a skiplist for SORT, for good.
  if (sortval.type === 'zset' && sortval.enc === 'listpack') sortval.enc = 'skiplist';

  const ranked = sortval.type === 'zset' ? zsetMembersByRank(sortval) : null;
  let vectorlen = sortval.type === 'list' ? sortval.v.length
    : sortval.type === 'set' ? sortval.v.size : ranked!.length;

  // LIMIT clamping, exactly as Redis does it (it can leave start > end: empty output).
  let start = Number(minB(maxB(opts.limitStart, 0n), BigInt(vectorlen)));
  const count = Number(minB(maxB(opts.limitCount, -1n), BigInt(vectorlen)));
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) { start = vectorlen - 1; end = vectorlen - 2; }
  if (end >= vectorlen) end = vectorlen - 1;

  // Lists and sorted sets keep their own order when not sorting: load just the range.
  if ((sortval.type === 'zset' || sortval.type === 'list') && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  let vector: SortItem[];
  if ((sortval.type === 'list' || sortval.type === 'zset') && dontsort) {
    const lv = sortval.type === 'list' ? (sortval as ListValue).v : null;
    const n = lv ? lv.length : ranked!.length;
    const at = (i: number): string => (lv ? lv.at(i) : ranked![i]) as string;
    vector = [];
    if (sortval.type === 'zset' || end >= start) {
      for (let k = 0; k < vectorlen; k++) vector.push(item(desc ? at(n - 1 - start - k) : at(start + k)));
      end -= start;
      start = 0;
    }
  } else if (sortval.type === 'list') {
    vector = sortval.v.toArray().map(item);
  } else if (sortval.type === 'set') {
    vector = [...sortval.v].map(item);
  } else {
    vector = ranked!.map(item);
  }

  let conversionError = false;
  if (!dontsort) {
    for (const it of vector) {
      const byval = sortby !== null ? lookupByPattern(ctx, sortby, it.obj) : it.obj;
      if (byval === null) continue;
      if (alpha) {
        if (sortby !== null) it.cmpobj = byval;
      } else {
        const w = weightOf(byval);
        if (w === null) conversionError = true;
        else it.score = w;
      }
    }
    const cmp = makeComparator(desc, alpha, sortby !== null, store !== null);
    if (sortby !== null && (start !== 0 || end !== vectorlen - 1)) pqsort(vector, cmp, start, end);
    else vector.sort(cmp); // glibc qsort is a stable merge sort here, as is Array.prototype.sort
  }

  const outputlen = gets.length ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) return err("ERR One or more scores can't be converted into double");

  if (store === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const obj = vector[j].obj;
      if (!gets.length) out.push(bulk(obj));
      for (const g of gets) {
        const v = lookupByPattern(ctx, g, obj);
        out.push(v === null ? NIL : bulk(v));
      }
    }
    return array(out);
  }

  const list: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = vector[j].obj;
    if (!gets.length) list.push(obj);
    for (const g of gets) list.push(lookupByPattern(ctx, g, obj) ?? '');
  }
  if (outputlen > 0) {
    ctx.db.set(store, listFrom(list));
    notify(ctx, NOTIFY.LIST, 'sortstore', store);
  } else if (ctx.db.delete(store)) {
    notify(ctx, NOTIFY.GENERIC, 'del', store);
  }
  return int(outputlen);
}

/** Members of a sorted set in rank order (score, then member bytes). */
function zsetMembersByRank(z: ZSetValue): string[] {
  const out: string[] = [];
  for (const [m] of z.v.entries()) out.push(m);
  return out;
}

const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const maxB = (a: bigint, b: bigint) => (a > b ? a : b);

registerAll({
  sort(ctx, argv) { return sortGeneric(ctx, argv, false); },
  sort_ro(ctx, argv) { return sortGeneric(ctx, argv, true); },
});
