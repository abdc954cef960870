/**
 * Seeded random differential fuzzer: generates command sequences over a tiny
 * keyspace, runs them against a real redis-server and redsim, compares RESP bytes,
 * and shrinks a failing sequence. See test/diff/fuzz.test.ts for the driver.
 */
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { Client } from '../../src/client.js';
import type { Reply } from '../../src/reply.js';
import { encodeReply } from '../../src/resp/encode.js';
import { RealRedis, RealConn, normalize, show } from './harness.js';
import { crc64 } from '../../src/commands/generic/rdb.js';

/**
 * How a reply is compared. 'set'/'hash'/'scan'/'dump' depend on the key's
 * encoding in the real server (looked up just before the command runs): exact
 * when the encoding has a defined order, sorted (or skipped) otherwise.
 */
export type StepMode = 'exact' | 'sort' | 'sortpairs' | 'ttl' | 'set' | 'hash' | 'hashkeys' | 'scan' | 'dump' | 'listonly' | 'lex' | 'scanall';
export interface Step { client: string; argv: string[]; mode: StepMode; key?: string }

// ---------- deterministic PRNG ----------
class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed * 2654435761) >>> 0 || 1; }
  next(): number { // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

// ---------- value pools ----------
const INTS = ['0', '-1', '1', '2', '3', '5', '7', '10', '100', '-5', '9223372036854775807', '-9223372036854775808'];
const FLOATS = ['0', '1.5', '10.5', '-2.25', '0.1', '1e308', '-1e308', 'inf', '-inf', '+inf', '3.0', '1e-5', '-0', '5e3', '1.1', '3e-10', '123456789.123', '-7.0e2', '0x1p3', '.5', '1.', 'nan'];
const STRS = ['abc', '', 'a', 'foo', 'bar', 'hello world', '\x00\xff\r\n', 'x\x80y', '10.5', '9223372036854775808', ' 1', '0x10'];
const MEMBERS_INT = ['1', '2', '3', '5', '10', '-1', '0', '100', '65536', '4294967296'];
const MEMBERS_STR = ['a', 'b', 'c', 'd', 'e', 'ab', '', '\xff'];
const FIELDS = ['f1', 'f2', 'f3', 'f4', 'a', 'b', '1', '2'];
const GARBAGE = ['xyz', 'NX', 'XX', '-1', 'LIMIT', 'WITHSCORES', '', 'inf', 'COUNT', '0', 'abc', 'BYSCORE'];

type Kind = 'str' | 'hash' | 'list' | 'set' | 'zset' | 'hll' | 'any';
/** A small keyspace; most commands use a key "meant" for their type, some use any key (wrong-type paths). */
const KEYS: Record<Kind, string[]> = {
  str: ['k0', 'k1'], hash: ['k2', 'k6'], list: ['k3', 'k7'], set: ['k4', 'k9'], zset: ['k5', 'k7'], hll: ['k8', 'k8', 'k0'],
  any: ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'],
};

interface Gen { r: Rng; inMulti: boolean }
type Cmd = { argv: string[]; mode?: StepMode; key?: string; nomulti?: boolean };

const key = (g: Gen, k: Kind) => (g.r.chance(0.94) ? g.r.pick(KEYS[k]) : g.r.pick(KEYS.any));
const ival = (g: Gen) => g.r.pick(INTS);
const smallInt = (g: Gen, lo = -3, hi = 8) => String(g.r.range(lo, hi));
const fval = (g: Gen) => g.r.pick(FLOATS);
const sval = (g: Gen) => { const x = g.r.int(10); return x < 4 ? g.r.pick(STRS) : x < 7 ? g.r.pick(INTS) : g.r.pick(FLOATS); };
/** Set members: integer-only most of the time so intsets (ordered) are exercised. */
const member = (g: Gen, intish: boolean) => (intish ? g.r.pick(MEMBERS_INT) : g.r.chance(0.7) ? g.r.pick(MEMBERS_STR) : g.r.pick(MEMBERS_INT));
const members = (g: Gen, n: number) => { const intish = g.r.chance(0.6); return Array.from({ length: n }, () => member(g, intish)); };
const field = (g: Gen) => g.r.pick(FIELDS);
const many = <T>(g: Gen, lo: number, hi: number, f: () => T): T[] => Array.from({ length: g.r.range(lo, hi) }, f);
const zmember = (g: Gen) => g.r.pick(MEMBERS_STR.slice(0, 6).concat(['1', '2']));
const score = (g: Gen) => (g.r.chance(0.6) ? smallInt(g, -3, 9) : fval(g));
const lexBound = (g: Gen) => g.r.pick(['-', '+', '[a', '(a', '[c', '(b', '[', 'a', '[\xff']);
const scoreBound = (g: Gen) => g.r.pick(['-inf', '+inf', '0', '(1', '2', '(5', '3.5', '10', 'x', '(inf']);
/** A long huge-enough time that TTLs never run out during a run. */
const bigSecs = (g: Gen) => g.r.pick(['100000', '200000', '5000000']);

const STRING: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['SET', key(g, 'str'), sval(g), ...(g.r.chance(0.3) ? [g.r.pick(['NX', 'XX', 'GET', 'KEEPTTL', 'XX GET', 'NX GET'])].flatMap((s) => s.split(' ')) : []), ...(g.r.chance(0.1) ? ['EX', bigSecs(g)] : [])] }),
  (g) => ({ argv: ['GET', key(g, 'str')] }),
  (g) => ({ argv: ['GETSET', key(g, 'str'), sval(g)] }),
  (g) => ({ argv: ['GETDEL', key(g, 'str')] }),
  (g) => ({ argv: ['GETEX', key(g, 'str'), ...g.r.pick([[], ['PERSIST'], ['EX', '100000'], ['EX', '0'], ['PX', 'abc'], ['KEEPTTL']])] }),
  (g) => ({ argv: ['SETNX', key(g, 'str'), sval(g)] }),
  (g) => ({ argv: ['MSET', ...many(g, 1, 3, () => [key(g, 'str'), sval(g)]).flat()] }),
  (g) => ({ argv: ['MSETNX', ...many(g, 1, 3, () => [key(g, 'str'), sval(g)]).flat()] }),
  (g) => ({ argv: ['MGET', ...many(g, 1, 4, () => key(g, 'any'))] }),
  (g) => ({ argv: ['APPEND', key(g, 'str'), sval(g)] }),
  (g) => ({ argv: [g.r.pick(['INCR', 'DECR']), key(g, 'str')] }),
  (g) => ({ argv: [g.r.pick(['INCRBY', 'DECRBY']), key(g, 'str'), g.r.chance(0.8) ? ival(g) : sval(g)] }),
  (g) => ({ argv: ['INCRBYFLOAT', key(g, 'str'), g.r.chance(0.8) ? fval(g) : sval(g)] }),
  (g) => ({ argv: ['STRLEN', key(g, 'str')] }),
  (g) => ({ argv: [g.r.pick(['GETRANGE', 'SUBSTR']), key(g, 'str'), smallInt(g, -12, 12), smallInt(g, -12, 12)] }),
  (g) => ({ argv: ['SETRANGE', key(g, 'str'), g.r.chance(0.9) ? smallInt(g, -1, 12) : g.r.pick(['100', '4096', '536870912']), sval(g)] }),
  (g) => ({ argv: ['LCS', key(g, 'str'), key(g, 'str'), ...g.r.pick([[], ['LEN'], ['IDX'], ['IDX', 'MINMATCHLEN', '1', 'WITHMATCHLEN'], ['IDX', 'WITHMATCHLEN']])] }),
];

const GENERIC: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: [g.r.pick(['DEL', 'UNLINK', 'EXISTS', 'TOUCH']), ...many(g, 1, 3, () => key(g, 'any'))] }),
  (g) => ({ argv: ['TYPE', key(g, 'any')] }),
  (g) => ({ argv: ['OBJECT', 'ENCODING', key(g, 'any')] }),
  (g) => ({ argv: [g.r.pick(['RENAME', 'RENAMENX']), key(g, 'any'), key(g, 'any')] }),
  (g) => ({ argv: ['COPY', key(g, 'any'), key(g, 'any'), ...g.r.pick([[], ['REPLACE'], ['DB', '1'], ['DB', '0', 'REPLACE'], ['DB', 'x']])] }),
  (g) => ({ argv: ['MOVE', key(g, 'any'), g.r.pick(['0', '1', '16', 'x'])] }),
  (g) => ({ argv: ['PERSIST', key(g, 'any')] }),
  (g) => ({ argv: [g.r.pick(['TTL', 'PTTL']), key(g, 'any')], mode: 'ttl', nomulti: true }),
  // Relative EXPIREs land on slightly different absolute times in the two servers.
  (g) => ({ argv: [g.r.pick(['EXPIRETIME', 'PEXPIRETIME']), key(g, 'any')], mode: 'ttl', nomulti: true }),
  (g) => ({ argv: [g.r.pick(['EXPIRE', 'PEXPIRE']), key(g, 'any'), g.r.chance(0.8) ? bigSecs(g) + '000' : g.r.pick(['-1', '0', 'abc', '9223372036854775807']), ...g.r.pick([[], [], ['NX'], ['XX'], ['GT'], ['LT'], ['NX', 'XX'], ['GT', 'LT']])] }),
  (g) => ({ argv: [g.r.pick(['EXPIREAT', 'PEXPIREAT']), key(g, 'any'), g.r.pick(['4102444800', '4102444900000', '1', '-5', '9223372036854775807']), ...g.r.pick([[], ['GT'], ['LT'], ['XX']])] }),
  (g) => ({ argv: ['DBSIZE'] }),
  (g) => ({ argv: ['SELECT', g.r.chance(0.7) ? '0' : g.r.pick(['1', '16', 'x'])] }),
  (g) => (g.r.chance(0.2) ? { argv: ['SWAPDB', '0', '1'] } : { argv: ['OBJECT', 'REFCOUNT', key(g, 'any')] }),
  (g) => (g.r.chance(0.1) ? { argv: ['FLUSHDB'] } : { argv: ['EXISTS', key(g, 'any'), key(g, 'any')] }),
  (g) => { const k = key(g, 'any'); return { argv: ['DUMP', k], mode: 'dump', key: k, nomulti: true }; },
  // One-call full iterations of the (hashtable) keyspace: compared with the items sorted.
  (g) => ({ argv: ['SCAN', '0', 'COUNT', '1000', ...g.r.pick([[], ['MATCH', 'k[0-4]'], ['TYPE', 'string'], ['TYPE', 'zset'], ['MATCH', '*', 'TYPE', 'nosuchtype']])], mode: 'scanall', nomulti: true }),
  (g) => ({ argv: ['KEYS', g.r.pick(['*', 'k?', 'k[1-3]', '*[^0-5]', 'x*'])], mode: 'sort', nomulti: true }),
  // (SET with a past EXAT leaves the key to active expiry, whose timing differs: no past times.)
  (g) => ({ argv: [g.r.pick(['SET', 'GETEX']), key(g, 'str'), ...(g.r.chance(0.5) ? [] : [sval(g)]), g.r.pick(['EXAT', 'PXAT']), g.r.pick(['4102444800', '4102444800123', '0', '-1', 'x'])] }),
  (g) => (g.r.chance(0.3)
    ? { argv: ['CONFIG', 'SET', g.r.pick(['hash-max-listpack-entries', 'set-max-intset-entries', 'zset-max-listpack-entries']), g.r.pick(['1', '3', '128', '512'])] }
    : { argv: ['OBJECT', 'ENCODING', key(g, 'any')] }),
];

const HASH: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: [g.r.pick(['HSET', 'HMSET']), key(g, 'hash'), ...many(g, 1, 3, () => [field(g), g.r.chance(0.03) ? 'x'.repeat(70) : sval(g)]).flat()] }),
  (g) => ({ argv: ['HSETNX', key(g, 'hash'), field(g), sval(g)] }),
  (g) => ({ argv: ['HGET', key(g, 'hash'), field(g)] }),
  (g) => ({ argv: ['HMGET', key(g, 'hash'), ...many(g, 1, 3, () => field(g))] }),
  (g) => ({ argv: ['HDEL', key(g, 'hash'), ...many(g, 1, 3, () => field(g))] }),
  (g) => ({ argv: [g.r.pick(['HLEN'])!, key(g, 'hash')] }),
  (g) => ({ argv: [g.r.pick(['HSTRLEN', 'HEXISTS']), key(g, 'hash'), field(g)] }),
  (g) => ({ argv: ['HINCRBY', key(g, 'hash'), field(g), g.r.chance(0.85) ? ival(g) : sval(g)] }),
  (g) => ({ argv: ['HINCRBYFLOAT', key(g, 'hash'), field(g), g.r.chance(0.85) ? fval(g) : sval(g)] }),
  (g) => { const k = key(g, 'hash'); return { argv: ['HGETALL', k], mode: 'hash', key: k, nomulti: true }; },
  (g) => { const k = key(g, 'hash'); return { argv: [g.r.pick(['HKEYS', 'HVALS']), k], mode: 'hashkeys', key: k, nomulti: true }; },
  (g) => { const k = key(g, 'hash'); return { argv: ['HSCAN', k, '0', ...g.r.pick([[], ['COUNT', '100'], ['MATCH', 'f*'], ['MATCH', '*', 'COUNT', '0']])], mode: 'scan', key: k, nomulti: true }; },
  (g) => ({ argv: ['HSCAN', key(g, 'hash'), '0', 'COUNT', '1000', ...g.r.pick([[], ['MATCH', 'f*']])], mode: 'scanall', nomulti: true }),
];

const LIST: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: [g.r.pick(['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']), key(g, 'list'), ...many(g, 1, 4, () => sval(g))] }),
  (g) => ({ argv: [g.r.pick(['LPOP', 'RPOP']), key(g, 'list'), ...(g.r.chance(0.4) ? [smallInt(g, -1, 4)] : [])] }),
  (g) => ({ argv: ['LRANGE', key(g, 'list'), smallInt(g, -6, 6), smallInt(g, -6, 6)] }),
  (g) => ({ argv: ['LINDEX', key(g, 'list'), smallInt(g, -6, 6)] }),
  (g) => ({ argv: ['LSET', key(g, 'list'), smallInt(g, -4, 4), sval(g)] }),
  (g) => ({ argv: ['LINSERT', key(g, 'list'), g.r.pick(['BEFORE', 'AFTER', 'x']), sval(g), sval(g)] }),
  (g) => ({ argv: ['LREM', key(g, 'list'), smallInt(g, -2, 2), sval(g)] }),
  (g) => ({ argv: ['LTRIM', key(g, 'list'), smallInt(g, -5, 5), smallInt(g, -5, 5)] }),
  (g) => ({ argv: ['LLEN', key(g, 'list')] }),
  (g) => ({ argv: ['LPOS', key(g, 'list'), sval(g), ...g.r.pick([[], ['RANK', '-1'], ['RANK', '0'], ['COUNT', '0'], ['COUNT', '2', 'RANK', '2'], ['MAXLEN', '2'], ['RANK', '-9223372036854775808']])] }),
  (g) => ({ argv: ['LMOVE', key(g, 'list'), key(g, 'list'), g.r.pick(['LEFT', 'RIGHT']), g.r.pick(['LEFT', 'RIGHT', 'UP'])] }),
  (g) => ({ argv: ['RPOPLPUSH', key(g, 'list'), key(g, 'list')] }),
  (g) => ({ argv: ['LMPOP', g.r.pick(['1', '2', '0']), key(g, 'list'), key(g, 'list'), g.r.pick(['LEFT', 'RIGHT']), ...g.r.pick([[], ['COUNT', '2'], ['COUNT', '0']])] }),
  // Short timeouts: if a shrunk sequence runs them outside MULTI they time out in both.
  (g) => ({ argv: ['BLPOP', key(g, 'list'), key(g, 'list'), '0.01'] }),
];

const SET: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['SADD', key(g, 'set'), ...members(g, g.r.range(1, 4))] }),
  (g) => ({ argv: ['SREM', key(g, 'set'), ...members(g, g.r.range(1, 3))] }),
  (g) => ({ argv: ['SISMEMBER', key(g, 'set'), member(g, false)] }),
  (g) => ({ argv: ['SMISMEMBER', key(g, 'set'), ...members(g, 3)] }),
  (g) => ({ argv: ['SCARD', key(g, 'set')] }),
  (g) => ({ argv: ['SMOVE', key(g, 'set'), key(g, 'set'), member(g, false)] }),
  (g) => { const k = key(g, 'set'); return { argv: ['SMEMBERS', k], mode: 'set', key: k, nomulti: true }; },
  (g) => ({ argv: [g.r.pick(['SINTER', 'SUNION', 'SDIFF']), key(g, 'set'), key(g, 'set')], mode: 'sort', nomulti: true }),
  (g) => ({ argv: [g.r.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), key(g, 'set'), key(g, 'set'), key(g, 'set')] }),
  (g) => ({ argv: ['SINTERCARD', g.r.pick(['2', '1', '0']), key(g, 'set'), key(g, 'set'), ...g.r.pick([[], ['LIMIT', '1'], ['LIMIT', '-1']])] }),
  (g) => { const k = key(g, 'set'); return { argv: ['SSCAN', k, '0', ...g.r.pick([[], ['COUNT', '100'], ['MATCH', '1*']])], mode: 'scan', key: k, nomulti: true }; },
  (g) => ({ argv: ['SSCAN', key(g, 'set'), '0', 'COUNT', '1000', ...g.r.pick([[], ['MATCH', '*1*']])], mode: 'scanall', nomulti: true }),
  // Popping at least the whole set is deterministic (all members).
  // (Redis answers through SUNION: the order is that of a new set, compared sorted.)
  (g) => ({ argv: ['SPOP', key(g, 'set'), g.r.pick(['100000', '0'])], mode: 'sort', nomulti: true }),
];

const ZSET: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['ZADD', key(g, 'zset'), ...g.r.pick([[], [], ['NX'], ['XX'], ['GT'], ['LT', 'CH'], ['CH'], ['INCR'], ['NX', 'GT'], ['XX', 'INCR']]), ...many(g, 1, 3, () => [score(g), zmember(g)]).flat()] }),
  (g) => ({ argv: ['ZINCRBY', key(g, 'zset'), score(g), zmember(g)] }),
  (g) => ({ argv: ['ZSCORE', key(g, 'zset'), zmember(g)] }),
  (g) => ({ argv: ['ZMSCORE', key(g, 'zset'), zmember(g), zmember(g)] }),
  (g) => ({ argv: ['ZRANGE', key(g, 'zset'), smallInt(g, -4, 4), smallInt(g, -4, 4), ...g.r.pick([[], ['WITHSCORES'], ['REV'], ['REV', 'WITHSCORES']])] }),
  (g) => ({ argv: ['ZRANGE', key(g, 'zset'), scoreBound(g), scoreBound(g), 'BYSCORE', ...g.r.pick([[], ['WITHSCORES'], ['REV'], ['LIMIT', '1', '2'], ['LIMIT', '0', '-1', 'WITHSCORES']])] }),
  // Lex ranges over mixed scores walk a skiplist's random levels: compared on listpacks only.
  (g) => { const k = key(g, 'zset'); return { argv: ['ZRANGE', k, lexBound(g), lexBound(g), 'BYLEX', ...g.r.pick([[], ['REV'], ['LIMIT', '1', '2'], ['WITHSCORES']])], mode: 'lex', key: k, nomulti: true }; },
  (g) => ({ argv: [g.r.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), key(g, 'zset'), scoreBound(g), scoreBound(g), ...g.r.pick([[], ['WITHSCORES'], ['LIMIT', '0', '1']])] }),
  (g) => { const k = key(g, 'zset'); return { argv: [g.r.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), k, lexBound(g), lexBound(g)], mode: 'lex', key: k, nomulti: true }; },
  (g) => ({ argv: ['ZREVRANGE', key(g, 'zset'), smallInt(g, -3, 3), smallInt(g, -3, 3), ...(g.r.chance(0.5) ? ['WITHSCORES'] : [])] }),
  (g) => ({ argv: [g.r.pick(['ZRANK', 'ZREVRANK']), key(g, 'zset'), zmember(g)] }),
  (g) => ({ argv: ['ZREM', key(g, 'zset'), zmember(g), zmember(g)] }),
  (g) => ({ argv: ['ZREMRANGEBYSCORE', key(g, 'zset'), scoreBound(g), scoreBound(g)] }),
  (g) => ({ argv: ['ZREMRANGEBYRANK', key(g, 'zset'), smallInt(g, -3, 3), smallInt(g, -3, 3)] }),
  (g) => { const k = key(g, 'zset'); return { argv: ['ZREMRANGEBYLEX', k, lexBound(g), lexBound(g)], mode: 'lex', key: k, nomulti: true }; },
  (g) => ({ argv: ['ZCOUNT', key(g, 'zset'), scoreBound(g), scoreBound(g)] }),
  (g) => { const k = key(g, 'zset'); return { argv: ['ZLEXCOUNT', k, lexBound(g), lexBound(g)], mode: 'lex', key: k, nomulti: true }; },
  (g) => ({ argv: ['ZCARD', key(g, 'zset')] }),
  (g) => ({ argv: [g.r.pick(['ZPOPMIN', 'ZPOPMAX']), key(g, 'zset'), ...(g.r.chance(0.4) ? [smallInt(g, -1, 3)] : [])] }),
  (g) => ({ argv: ['ZMPOP', '2', key(g, 'zset'), key(g, 'zset'), g.r.pick(['MIN', 'MAX']), ...g.r.pick([[], ['COUNT', '2']])] }),
  (g) => ({ argv: [g.r.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), key(g, 'zset'), '2', key(g, 'zset'), key(g, 'set'), ...g.r.pick([[], ['WEIGHTS', '2', '0.5'], ['AGGREGATE', 'MAX'], ['AGGREGATE', 'MIN', 'WEIGHTS', '-1', 'inf']])] }),
  (g) => ({ argv: [g.r.pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', key(g, 'zset'), key(g, 'zset'), ...g.r.pick([[], ['WITHSCORES'], ['WEIGHTS', '1', '3', 'WITHSCORES'], ['AGGREGATE', 'SUM', 'WITHSCORES']])] }),
  (g) => ({ argv: ['ZINTERCARD', '2', key(g, 'zset'), key(g, 'set'), ...g.r.pick([[], ['LIMIT', '1']])] }),
  (g) => ({ argv: ['ZRANGESTORE', key(g, 'zset'), key(g, 'zset'), smallInt(g, -2, 2), smallInt(g, -2, 3)] }),
  (g) => ({ argv: ['BZPOPMIN', key(g, 'zset'), '0.01'] }),
  (g) => ({ argv: ['ZSCAN', key(g, 'zset'), '0', 'COUNT', '1000', ...g.r.pick([[], ['MATCH', '*b*']])], mode: 'scanall', nomulti: true }),
];

const BITS: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['SETBIT', key(g, 'str'), smallInt(g, -1, 40), g.r.pick(['0', '1', '1', '2'])] }),
  (g) => ({ argv: ['GETBIT', key(g, 'str'), smallInt(g, -1, 40)] }),
  (g) => ({ argv: ['BITCOUNT', key(g, 'str'), ...g.r.pick([[], ['0', '-1'], ['1', '3'], ['-2', '-1', 'BIT'], ['0', '5', 'BYTE'], ['0']])] }),
  (g) => ({ argv: ['BITPOS', key(g, 'str'), g.r.pick(['0', '1']), ...g.r.pick([[], ['1'], ['0', '-1'], ['2', '20', 'BIT'], ['-1', '-1', 'BYTE']])] }),
  (g) => ({ argv: ['BITOP', g.r.pick(['AND', 'OR', 'XOR', 'NOT', 'NAND']), key(g, 'str'), key(g, 'str'), ...(g.r.chance(0.5) ? [key(g, 'str')] : [])] }),
  (g) => ({ argv: ['BITFIELD', key(g, 'str'), ...g.r.pick([['GET', 'u8', '0'], ['SET', 'i8', '#1', '-100'], ['INCRBY', 'u4', '2', '7'], ['OVERFLOW', 'SAT', 'INCRBY', 'i5', '0', '100'], ['OVERFLOW', 'FAIL', 'INCRBY', 'u2', '1', '5', 'GET', 'u2', '1'], ['GET', 'i64', '0'], ['GET', 'u64', '0']])] }),
  (g) => ({ argv: ['BITFIELD_RO', key(g, 'str'), 'GET', g.r.pick(['u8', 'i3', 'u63']), smallInt(g, 0, 16)] }),
  (g) => ({ argv: ['BITFIELD', key(g, 'str'), ...many(g, 1, 3, () => {
    const t = g.r.pick(['i', 'u']) + String(g.r.range(1, 64));
    const off = g.r.chance(0.3) ? '#' + smallInt(g, 0, 5) : smallInt(g, 0, 40);
    return g.r.pick([['GET', t, off], ['SET', t, off, ival(g)], ['INCRBY', t, off, ival(g)], ['OVERFLOW', g.r.pick(['WRAP', 'SAT', 'FAIL']), 'INCRBY', t, off, smallInt(g, -300, 300)]]);
  }).flat()] }),
  (g) => ({ argv: [g.r.pick(['BITCOUNT', 'BITPOS']), key(g, 'str'), ...(g.r.chance(0.5) ? [g.r.pick(['0', '1'])] : []), smallInt(g, -20, 20), smallInt(g, -20, 40), g.r.pick(['BIT', 'BYTE', 'BIT'])] }),
];

const HLL: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['PFADD', key(g, 'hll'), ...many(g, 0, 4, () => sval(g))] }),
  (g) => ({ argv: ['PFCOUNT', key(g, 'hll'), ...(g.r.chance(0.3) ? [key(g, 'hll')] : [])] }),
  (g) => ({ argv: ['PFMERGE', key(g, 'hll'), key(g, 'hll')] }),
  (g) => ({ argv: [g.r.pick(['GET', 'STRLEN']), key(g, 'hll')] }),
  // Corrupt the HLL blob now and then: PFCOUNT/PFADD must notice the same way.
  (g) => (g.r.chance(0.3) ? { argv: ['SETRANGE', key(g, 'hll'), g.r.pick(['4', '15', '16', '20']), g.r.pick(['\xff', '\x00\x00', 'x'])] } : { argv: ['PFADD', key(g, 'hll'), sval(g)] }),
];

const SORT: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: ['SORT', key(g, g.r.pick(['list', 'set', 'zset'] as const)), ...g.r.pick([[], ['ALPHA'], ['DESC'], ['LIMIT', '1', '2'], ['ALPHA', 'DESC', 'LIMIT', '0', '3'], ['GET', '#'], ['STORE', 'k3']])] }),
  // BY with equal/missing weights keeps the input order: only lists have a defined one.
  // (a zset or set is sorted from its dict: hash order).
  (g) => { const k = key(g, 'list'); return { argv: ['SORT', k, 'BY', g.r.pick(['k*', 'nokey*']), ...g.r.pick([[], ['ALPHA'], ['DESC'], ['GET', 'k*', 'GET', '#']])], mode: 'listonly', key: k, nomulti: true }; },
  (g) => ({ argv: ['SORT_RO', key(g, 'list'), 'ALPHA'] }),
];

/** Occasional big writes: quicklist node splits, listpack -> hashtable/skiplist conversions. */
const BULK: Array<(g: Gen) => Cmd> = [
  (g) => ({ argv: [g.r.pick(['RPUSH', 'LPUSH']), key(g, 'list'), ...many(g, 20, 150, () => (g.r.chance(0.2) ? 'v'.repeat(g.r.range(1, 90)) : sval(g)))] }),
  (g) => ({ argv: ['HSET', key(g, 'hash'), ...many(g, 10, 140, () => ['f' + g.r.int(200), sval(g)]).flat()] }),
  (g) => ({ argv: ['SADD', key(g, 'set'), ...many(g, 10, 600, () => String(g.r.int(100000) - 50000))] }),
  (g) => ({ argv: ['ZADD', key(g, 'zset'), ...many(g, 10, 140, () => [smallInt(g, -50, 50), 'm' + g.r.int(300)]).flat()] }),
  (g) => ({ argv: [g.r.pick(['LRANGE', 'ZRANGE']), key(g, g.r.pick(['list', 'zset'] as const)), smallInt(g, -200, 200), smallInt(g, -200, 200)] }),
  (g) => ({ argv: ['LTRIM', key(g, 'list'), smallInt(g, -100, 100), smallInt(g, -100, 100)] }),
  (g) => ({ argv: ['GETRANGE', key(g, 'str'), g.r.pick(['0', '-1', '9223372036854775807', '-9223372036854775808']), g.r.pick(['0', '-1', '9223372036854775807', '-9223372036854775808'])] }),
  (g) => ({ argv: g.r.pick([['SCRIPT', 'EXISTS', 'a42059b356c875f0717db19a51f6aaca9ae659ea', 'x'], ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'], ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '5', 'a'], ['EVAL', 'return KEYS[1]', 'x']]) }),
];

const GROUPS: Array<[number, Array<(g: Gen) => Cmd>]> = [
  [3, BULK],
  [14, STRING], [10, GENERIC], [12, HASH], [12, LIST], [12, SET], [14, ZSET], [6, BITS], [4, HLL], [3, SORT],
];
const TOTAL = GROUPS.reduce((a, [w]) => a + w, 0);

function plainCmd(g: Gen): Cmd {
  for (;;) {
    let x = g.r.int(TOTAL);
    let grp = GROUPS[0][1];
    for (const [w, list] of GROUPS) { if (x < w) { grp = list; break; } x -= w; }
    const c = g.r.pick(grp)(g);
    if (c.argv[0] === 'BLPOP' || c.argv[0] === 'BZPOPMIN') { if (!g.inMulti) continue; }
    if (g.inMulti && c.nomulti) continue;
    // Wrong arity / garbage options at a low rate.
    if (g.r.chance(0.04)) {
      // (The comparison mode stays: error replies compare the same in every mode.)
      if (g.r.chance(0.5) && c.argv.length > 1) {
        c.argv = c.argv.slice(0, g.r.int(c.argv.length - 1) + 1);
        if (c.argv[0] === 'SPOP' && c.argv.length === 2) continue; // would pop a random member
      } else c.argv = [...c.argv, g.r.pick(GARBAGE)];
    }
    return c;
  }
}

const SCRIPTS = [
  'return redis.call(unpack(ARGV))',
  "local r = redis.pcall(unpack(ARGV)) if type(r) == 'table' and r.err then return 'E:' .. r.err end return r",
  "local r = redis.pcall(unpack(ARGV)) return {r, 1, 'x', {2, 3.7}, false, true}",
  'redis.setresp(3) return redis.call(unpack(ARGV))',
  "redis.setresp(3) local r = redis.pcall(unpack(ARGV)) return {r, 'y'}",
  "local r = redis.call(unpack(ARGV)) if type(r) == 'table' then return #r end return type(r)",
  'return {1, nil, 2}',
  "return redis.status_reply('FINE')",
  "return redis.error_reply('MYERR custom')",
  "return redis.pcall('incrby', KEYS[1], 'notanumber')",
  'return tonumber(ARGV[1])',
  'return cjson.encode(redis.call(unpack(ARGV)))',
  "local r = redis.pcall(unpack(ARGV)) if type(r) == 'table' and r.err then return r.err end return cmsgpack.pack(r)",
  "return cjson.encode({ARGV[1], tonumber(ARGV[1]) or 0, {a = 1.5}, 1e300, 0.1})",
  'return {tonumber(ARGV[1]), tostring(tonumber(ARGV[1])), string.format("%.17g", tonumber(ARGV[1]) or 0)}',
  "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])",
];

function scriptCmd(g: Gen): Cmd {
  const s = g.r.int(SCRIPTS.length);
  const src = SCRIPTS[s];
  if (s <= 5 || s === 11 || s === 12) {
    let c: Cmd;
    do c = plainCmd({ r: g.r, inMulti: true }); while (c.mode && c.mode !== 'exact');
    return { argv: ['EVAL', src, '0', ...c.argv] };
  }
  return { argv: ['EVAL', src, '1', key(g, 'str'), sval(g)] };
}

/**
 * Script bombs (issue 7), bounded so each runs in milliseconds on both
 * servers: deep recursion, huge unpack ranges, excessive cjson/cmsgpack
 * nesting, big string.rep/format requests, endless-looking callbacks that end,
 * 5.3 syntax. Their error texts must match Redis's.
 */
const SCRIPT_BOMBS = [
  'local function f() return 1 + f() end return f()',
  'return unpack({}, 1, 1e7)',
  'return select("#", unpack({}, 1, 7999))',
  'return {pcall(unpack, {}, 1, 1e8)}',
  "local t = {} local c = t for i = 1, 1200 do c[1] = {} c = c[1] end return cjson.encode(t)",
  "local t = {} local c = t for i = 1, 1200 do c[1] = {} c = c[1] end return {pcall(cmsgpack.pack, t)}",
  "return #string.rep('ab', 100000)",
  "return string.format('%099d|%-99s|', 1, 'x')",
  "return {pcall(string.format, '%100d', 1)}",
  "local t = {} for i = 1, 1000 do t[i] = (i * 7919) % 1000 end table.sort(t, function(a, b) return a > b end) return {t[1], t[1000]}",
  "local n = 0 local s = string.gsub(string.rep('a', 10000), 'a', function(c) n = n + 1 return 'bb' end) return {#s, n}",
  "return {pcall(table.sort, {3, 1, 2}, function(a, b) return true end)}",
  "return {xpcall(function() local function f() return 1 + f() end return f() end, function(e) return 'H:' .. tostring(e) end)}",
  "return {pcall(string.find, string.rep('a', 300), string.rep('(a)', 40))}",
  'return 1 // 2',
  'local _ENV = {} return 1',
  "return {load(function() error('r') end)}",
  "local t = setmetatable({}, {__index = function(t, k) return k * 2 end}) local s = 0 for i = 1, 20000 do s = s + t[i] end return s",
];

function le32(n: number): string { return String.fromCharCode(n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255); }
function rdbLen(n: number): string { return n < 64 ? String.fromCharCode(n) : String.fromCharCode(0x40 | (n >> 8), n & 255); }
function withCrc(type: number, body: string): string { const p = String.fromCharCode(type) + body + '\x0a\x00'; return p + crc64(p); }
/** A listpack entry as Redis writes it (small integers as 7-bit ints), optionally with a wrong backlen. */
function lpEntryStr(v: string, back?: number): string {
  if (/^(0|[1-9]\d?)$/.test(v)) return String.fromCharCode(Number(v)) + String.fromCharCode(back ?? 1);
  return String.fromCharCode(0x80 | v.length) + v + String.fromCharCode(back ?? 1 + v.length);
}

/**
 * A RESTORE payload with a valid CRC, often corrupt inside (issue 7):
 * listpacks with a wrong backlen, header count or total, quicklists with
 * empty nodes, intsets out of order or of a bad size, ziplists with a wrong
 * prevlen or tail, LZF strings of length 0. `deep` seeds run with
 * sanitize-dump-payload yes; the others only get corruptions both verdicts
 * agree on (Redis's shallow check accepts some blobs redsim cannot hold).
 */
function corruptPayload(g: Gen, deep: boolean): string {
  const r = g.r;
  const n = r.range(1, 4);
  const items = Array.from({ length: n }, (_, i) => 'v' + i + r.pick(['', 'x', 'yy']));
  const kind = r.int(6);
  if (kind === 0) { // quicklist 2 of listpacks
    const entries = items.map((v) => lpEntryStr(v, deep && r.chance(0.3) ? 99 : undefined));
    const body = entries.join('');
    const count = deep && r.chance(0.2) ? n + 1 : r.chance(0.1) ? 65535 : n;
    const total = r.chance(0.1) ? 6 + body.length + 3 : 6 + body.length + 1;
    const lp = le32(total) + String.fromCharCode(count & 255, count >> 8) + body + '\xff';
    const empty = le32(7) + '\x00\x00\xff';
    const nodes = r.chance(0.2) ? ['\x02' + rdbLen(empty.length) + empty, '\x02' + rdbLen(lp.length) + lp] : ['\x02' + rdbLen(lp.length) + lp];
    return withCrc(18, rdbLen(nodes.length) + nodes.join(''));
  }
  if (kind === 1) { // hash / zset listpack
    // hash values are not numbers: Redis keeps the restored blob as is, and DUMP shows it
    const zset = r.chance(0.5);
    const pairs = items.flatMap((v, i) => [v, zset ? String(i + 10) : 'n' + i]);
    if (deep && r.chance(0.2)) pairs.push(pairs[0], 'dup');
    if (deep && r.chance(0.1)) pairs.pop();
    const entries = pairs.map((v) => lpEntryStr(v, deep && r.chance(0.1) ? 77 : undefined));
    const body = entries.join('');
    const lp = le32(6 + body.length + 1) + String.fromCharCode(pairs.length & 255, pairs.length >> 8) + body + '\xff';
    return withCrc(zset ? 17 : 16, rdbLen(lp.length) + lp);
  }
  if (kind === 2) { // intset
    const w = r.pick([2, 4, 8, 3]);
    let vals = Array.from({ length: n }, (_, i) => i * 3 + r.int(3));
    if (deep && r.chance(0.3)) vals = vals.reverse();
    const cnt = r.chance(0.1) ? n + 1 : r.chance(0.05) ? 0 : n;
    const enc = (v: number) => (w === 2 || w === 3 ? String.fromCharCode(v & 255, v >> 8) : w === 4 ? le32(v) : le32(v) + le32(0));
    const blob = le32(w) + le32(cnt) + vals.map(enc).join('');
    return withCrc(11, rdbLen(blob.length) + blob);
  }
  if (kind === 3) { // ziplist (list, hash or zset)
    let body = '';
    let prev = 0;
    let lastOff = 10;
    const zitems = r.chance(0.5) ? items : items.flatMap((v, i) => [v, String(i)]);
    for (const v of zitems) {
      lastOff = 10 + body.length;
      const pl = r.chance(0.08) ? prev + 1 : prev;
      const e = String.fromCharCode(pl) + String.fromCharCode(v.length) + v;
      body += e;
      prev = e.length;
    }
    const tail = r.chance(0.08) ? 10 : lastOff;
    const cnt = r.chance(0.08) ? zitems.length + 1 : zitems.length;
    const zl = le32(10 + body.length + 1) + le32(tail) + String.fromCharCode(cnt & 255, cnt >> 8) + body + '\xff';
    return withCrc(zitems === items ? 10 : r.pick([12, 13]), rdbLen(zl.length) + zl);
  }
  if (kind === 4) { // LZF-encoded string whose uncompressed length is 0
    return withCrc(0, '\xc3' + r.pick(['\x00\x00', '\x01\x00\x00', '\x02\x00\x20\x00']));
  }
  return withCrc(0, rdbLen(items[0].length) + items[0]);
}

/** Generate a deterministic command sequence for one seed. */
export function generate(seed: number, len: number): Step[] {
  const r = new Rng(seed);
  const steps: Step[] = [{ client: 'B', argv: ['HELLO', '3'], mode: 'exact' }];
  const push = (client: string, c: Cmd) => excluded.has(c.argv[0].toUpperCase()) || steps.push({ client, argv: c.argv, mode: c.mode ?? 'exact', key: c.key });
  const g: Gen = { r, inMulti: false };
  // Half the seeds run with tiny encoding thresholds so conversions happen often.
  if (r.chance(0.5)) {
    steps.push({ client: 'A', mode: 'exact', argv: ['CONFIG', 'SET',
      'hash-max-listpack-entries', r.pick(['2', '4', '128']), 'hash-max-listpack-value', r.pick(['3', '64']),
      'set-max-intset-entries', r.pick(['3', '512']), 'zset-max-listpack-entries', r.pick(['3', '128']),
      'zset-max-listpack-value', r.pick(['2', '64'])] });
  }
  const excluded = new Set((process.env.FUZZ_EXCLUDE ?? '').toUpperCase().split(',').filter(Boolean));
  const deep = r.chance(0.5);
  if (deep) steps.push({ client: 'A', mode: 'exact', argv: ['CONFIG', 'SET', 'sanitize-dump-payload', 'yes'] });
  while (steps.length < len) {
    const client = r.chance(0.6) ? 'A' : 'B';
    const x = r.int(100);
    if (x < 6) {
      // MULTI block, optionally guarded by WATCH with another client touching the watched key.
      const watched = r.chance(0.5) ? [key(g, 'any'), key(g, 'any')] : [];
      if (watched.length) push(client, { argv: ['WATCH', ...watched] });
      if (watched.length && r.chance(0.5)) {
        const other = r.chance(0.5) ? 'C' : client === 'A' ? 'B' : 'A';
        const c = plainCmd(g);
        push(other, c);
      }
      push(client, { argv: ['MULTI'] });
      g.inMulti = true;
      const n = r.range(0, 5);
      for (let i = 0; i < n; i++) push(client, r.chance(0.15) ? scriptCmd(g) : plainCmd(g));
      if (r.chance(0.1)) push(client, { argv: ['MULTI'] });
      g.inMulti = false;
      push(client, { argv: [r.chance(0.12) ? 'DISCARD' : 'EXEC'] });
      if (watched.length && r.chance(0.2)) push(client, { argv: ['UNWATCH'] });
    } else if (x < 14) {
      g.inMulti = true;
      push(client, scriptCmd(g));
      g.inMulti = false;
    } else if (x < 15) {
      push(client, { argv: r.pick([['HELLO', r.pick(['2', '3'])], ['EXEC'], ['DISCARD'], ['PING'], ['ECHO', sval(g)]]) });
    } else if (x < 16) {
      push(client, { argv: ['EVAL', r.pick(SCRIPT_BOMBS), '0'] });
    } else if (x < 17) {
      const k = key(g, 'any');
      push(client, { argv: ['RESTORE', k, '0', corruptPayload(g, deep), 'REPLACE'] });
      push(client, { argv: ['TYPE', k] });
    } else {
      push(client, plainCmd(g));
    }
  }
  return steps.slice(0, len);
}

// ---------- running ----------
export interface FuzzMismatch { index: number; step: Step; redis: string; redsim: string }

const scanDone = (r: Reply) => r.t === 'array' && r.v.length === 2 && r.v[0].t === 'bulk' && r.v[0].v === '0';

/** A SCAN-family reply with its item list sorted (pairs kept together for HSCAN/ZSCAN). */
function scanKey(r: Reply, resp: 2 | 3): Buffer {
  if (r.t !== 'array' || r.v.length !== 2 || r.v[1].t !== 'array') return encodeReply(r, resp);
  const items = r.v[1].v.map((x) => encodeReply(x, resp).toString('latin1'));
  return Buffer.concat([encodeReply(r.v[0], resp), normalize({ t: 'array', v: r.v[1].v }, 'sort', resp), Buffer.from(String(items.length))]);
}

const isIntReply = (r: Reply): r is { t: 'int'; v: number | bigint } => r.t === 'int';

/** Run steps against a fresh real server and a fresh redsim; stop at the first mismatch. */
export async function runSteps(steps: Step[], bin: string): Promise<{ compared: number; mismatch: FuzzMismatch | null; hung?: boolean }> {
  const real = await RealRedis.start(bin);
  const clock = new VirtualClock(Date.now());
  const sim = new RedSim({ clock, seed: 1 });
  const conns = new Map<string, { rc: RealConn; sc: Client; id: string; queuedUnordered: boolean }>();
  const meta = await RealConn.connect(real.port);
  const metaCall = async (argv: string[]) => { meta.send(argv); return (await meta.read()).reply; };
  let compared = 0;
  // Align client ids with the real server (it numbered the readiness probes and this connection).
  const id = await metaCall(['CLIENT', 'ID']);
  if (id.t === 'int') sim.setNextClientId(Number(id.v) + 1);
  try {
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i];
      let c = conns.get(st.client);
      if (!c) {
        const rc = await RealConn.connect(real.port);
        rc.send(['CLIENT', 'ID']); // real side only: learn the id to look the client up later
        const r = (await rc.read()).reply;
        c = { rc, sc: sim.createClient(), id: r.t === 'int' ? String(r.v) : '0', queuedUnordered: false };
        conns.set(st.client, c);
      }
      let mode = st.mode;
      const cmd = st.argv[0].toUpperCase();
      if (mode !== 'exact') {
        // The real server knows the client's db and MULTI state (SELECT inside EXEC, ...).
        const info = await metaCall(['CLIENT', 'LIST', 'ID', c.id]);
        const line = info.t === 'bulk' ? info.v : '';
        const db = /\bdb=(\d+)/.exec(line)?.[1] ?? '0';
        const inMulti = /\bflags=\S*x/.test(line);
        if (inMulti) {
          // Queued: the reply is QUEUED; an unordered reply would land inside EXEC's array.
          c.queuedUnordered = true;
          mode = 'exact';
        } else if (!st.key) {
          if (mode !== 'sort' && mode !== 'sortpairs' && mode !== 'ttl' && mode !== 'scanall') mode = 'sort';
        } else {
          await metaCall(['SELECT', db]);
          const enc = await metaCall(['OBJECT', 'ENCODING', st.key]);
          const e = enc.t === 'bulk' ? enc.v : '';
          const ordered = e === 'intset' || e === 'listpack' || e === 'embstr' || e === 'int' || e === 'raw' || e === 'quicklist' || e === '';
          if (mode === 'set') mode = ordered ? 'exact' : 'sort';
          else if (mode === 'hash') mode = ordered ? 'exact' : 'sortpairs';
          else if (mode === 'hashkeys') mode = ordered ? 'exact' : 'sort';
          // Not run at all: ZREMRANGEBYLEX would make the two keyspaces diverge.
          else if (mode === 'lex') { if (e === 'skiplist') continue; mode = 'exact'; }
          else if (mode === 'listonly') mode = e === 'quicklist' || e === '' ? 'exact' : 'skip' as StepMode;
          else if (mode === 'dump' && e === 'intset' && process.env.FUZZ_DUMP_INTSET !== '1') mode = 'skip' as StepMode; // known: blob width after removals
          else mode = ordered || (e === 'skiplist' && mode === 'dump') ? 'exact' : 'skip' as StepMode;
        }
      }
      if (clock.now() < Date.now()) clock.set(Date.now());
      c.rc.send(st.argv);
      const simP = sim.execute(c.sc, st.argv);
      let realR;
      try { realR = await c.rc.read(3000); } catch { return { compared, mismatch: null, hung: true }; }
      // A command that blocked in both has timed out in Redis: let redsim's timer fire too.
      if (clock.now() < Date.now()) clock.set(Date.now());
      const simR = await simP;
      const resp = c.sc.resp;
      let execMode = mode;
      if (cmd === 'EXEC' || cmd === 'DISCARD' || cmd === 'RESET') {
        if (c.queuedUnordered) execMode = 'skip' as StepMode;
        c.queuedUnordered = false;
      }
      if ((execMode as string) === 'skip') continue;
      compared++;
      let a: Buffer, b: Buffer;
      if (execMode === 'ttl' && isIntReply(realR.reply) && isIntReply(simR)) {
        const x = Number(realR.reply.v), y = Number(simR.v);
        const tol = cmd === 'PTTL' || cmd === 'PEXPIRETIME' ? 1500 : 2;
        if (x >= 0 && y >= 0 && Math.abs(x - y) <= tol) continue;
      }
      if (execMode === 'scanall') {
        // Only a finished iteration (cursor 0 in both) has a defined item set; partial
        // ones depend on hash table sizes and rehashing.
        if (!scanDone(realR.reply) || !scanDone(simR)) { if (realR.reply.t === simR.t) continue; }
        a = scanKey(realR.reply, resp); b = scanKey(simR, resp);
      }
      else if (execMode === 'exact' || execMode === 'ttl') { a = realR.raw; b = encodeReply(simR, resp); }
      else { a = normalize(realR.reply, execMode as 'sort' | 'sortpairs', resp); b = normalize(simR, execMode as 'sort' | 'sortpairs', resp); }
      if (!a.equals(b)) return { compared, mismatch: { index: i, step: st, redis: show(a), redsim: show(b) } };
    }
  } finally {
    for (const c of conns.values()) c.rc.close();
    meta.close();
    sim.stop();
    real.stop();
  }
  return { compared, mismatch: null };
}

/**
 * Shrink a failing sequence: drop chunks (halving sizes down to single commands)
 * while some mismatch persists; cut at the first mismatch each time. Bounded by time.
 */
export async function shrink(steps: Step[], bin: string, budgetMs = 30_000): Promise<{ steps: Step[]; mismatch: FuzzMismatch } | null> {
  const deadline = Date.now() + budgetMs;
  let cur = steps;
  let best = (await runSteps(cur, bin)).mismatch;
  if (!best) return null; // did not reproduce (timing-dependent)
  cur = cur.slice(0, best.index + 1);
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && Date.now() < deadline; chunk >>= 1) {
    for (let start = cur.length - 1 - chunk; start >= 0 && Date.now() < deadline; start -= chunk) {
      const s0 = Math.max(0, start);
      const cand = cur.slice(0, s0).concat(cur.slice(s0 + chunk));
      if (cand.length === 0) continue;
      const m = (await runSteps(cand, bin)).mismatch;
      if (m) { cur = cand.slice(0, m.index + 1); best = m; start = Math.min(start, cur.length - 1); }
    }
    if (chunk === 1) break;
  }
  return { steps: cur, mismatch: best };
}

/** Quote one byte-string argument the way redis-cli (and the scenario files) read it. */
export function quoteArg(a: string): string {
  if (a.length > 0 && /^[\x21-\x7e]+$/.test(a) && !/["'\\]/.test(a)) return a;
  let out = '"';
  for (const ch of a) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Steps in scenario-file syntax (paste into test/diff/scenarios/...). */
export function formatSteps(steps: Step[]): string {
  return steps.map((s) => {
    const pre = s.mode === 'sort' || s.mode === 'set' || s.mode === 'hashkeys' ? '!sort ' : s.mode === 'hash' ? '!sortpairs ' : '';
    return `${pre}${s.client === 'A' ? '' : '@' + s.client + ' '}${s.argv.map(quoteArg).join(' ')}`;
  }).join('\n');
}
