/**
 * Whole RDB files (version 10, Redis 7.0's rdbSaveRio / rdbLoadRio): the magic,
 * the aux fields, the function libraries (FUNCTION2 opcodes), each non-empty
 * database (SELECTDB, RESIZEDB, then per key: EXPIRETIME_MS, IDLE or FREQ per
 * the maxmemory policy, the object), EOF and the CRC64 of everything before it.
 * Objects use the same serialization as DUMP (src/commands/generic/rdb.ts).
 * Loading also takes older files (RDB 1..9, ziplist/intset/zipmap-era objects).
 */
import type { RedSim } from '../server.js';
import type { RValue } from '../keyspace/values.js';
import { saveObject, saveString, rdbReader, readObjectOfType, type LoadLimits, type RdbReader } from '../commands/generic/rdb.js';
import { Crc64 } from '../util/crc64.js';
import { functionsOf } from '../scripting/functions.js';
import { lfuDecrAndReturn } from '../keyspace/lfu.js';

const OP_FUNCTION2 = 245, OP_FUNCTION = 246, OP_MODULE_AUX = 247, OP_IDLE = 248, OP_FREQ = 249, OP_AUX = 250,
  OP_RESIZEDB = 251, OP_EXPIRETIME_MS = 252, OP_EXPIRETIME = 253, OP_SELECTDB = 254, OP_EOF = 255;

const chr = String.fromCharCode;

function saveLen(n: number): string {
  if (n < 64) return chr(n);
  if (n < 16384) return chr(0x40 | (n >> 8), n & 0xff);
  if (n <= 0xffffffff) return '\x80' + chr((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  let s = '\x81';
  const b = BigInt(n);
  for (let i = 7; i >= 0; i--) s += chr(Number((b >> BigInt(i * 8)) & 0xffn));
  return s;
}

function le64(v: number): string {
  let s = '';
  let b = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  for (let i = 0; i < 8; i++) { s += chr(Number(b & 0xffn)); b >>= 8n; }
  return s;
}

const aux = (k: string, v: string) => chr(OP_AUX) + saveString(k) + saveString(v);

export interface RdbSaveOptions {
  /** ctime aux field, seconds. */
  now: number;
  usedMemory?: number;
  /** aof-base aux: 1 when this RDB is an AOF preamble. */
  aofBase?: boolean;
}

/**
 * The RDB file as chunks of bytes (no single string holds the whole file, so its
 * size is not bounded by V8's string limit; one object still is).
 */
export function encodeRdb(sim: RedSim, opts: RdbSaveOptions): Buffer[] {
  const out: Buffer[] = [];
  const crc = new Crc64();
  let pending = '';
  const put = (s: string) => {
    pending += s;
    if (pending.length >= 1 << 16) flush();
  };
  const flush = () => {
    if (!pending) return;
    crc.update(pending);
    out.push(Buffer.from(pending, 'latin1'));
    pending = '';
  };
  put('REDIS0010');
  put(aux('redis-ver', '7.0.15') + aux('redis-bits', '64') + aux('ctime', String(Math.floor(opts.now / 1000)))
    + aux('used-mem', String(opts.usedMemory ?? 0)) + aux('aof-base', opts.aofBase ? '1' : '0'));
  const libs = functionsOf(sim);
  for (const lib of libs.libraries.values()) put(chr(OP_FUNCTION2) + saveString(lib.code));
  const policy = sim.config.get('maxmemory-policy') ?? 'noeviction';
  const lru = policy.includes('lru'), lfu = policy.includes('lfu');
  const fill = sim.config.getNumber('list-max-listpack-size');
  const now = sim.now();
  sim.dbs.forEach((db, id) => {
    if (db.data.size === 0) return;
    put(chr(OP_SELECTDB) + saveLen(id) + chr(OP_RESIZEDB) + saveLen(db.data.size) + saveLen(db.expires.size));
    for (const [key, v] of db.data) {
      const at = db.expires.get(key);
      if (at !== undefined) put(chr(OP_EXPIRETIME_MS) + le64(at));
      if (lru) put(chr(OP_IDLE) + saveLen(Math.max(0, Math.floor((now - (v.lru ?? now)) / 1000))));
      if (lfu) put(chr(OP_FREQ) + chr(lfuDecrAndReturn(v, now, sim.config.getNumber('lfu-decay-time'))));
      const body = saveObject(v, fill);
      if (body === null) throw new Error(`cannot serialize key of type ${v.type}`);
      // rdbSaveObjectType + rdbSaveStringObject(key) + rdbSaveObject: the type byte leads.
      put(body[0] + saveString(key) + body.slice(1));
    }
  });
  put(chr(OP_EOF));
  flush();
  const sum = crc.digest();
  out.push(Buffer.from(sum, 'latin1'));
  return out;
}

export interface LoadedRdb {
  version: number;
  aux: Map<string, string>;
  functions: string[];
  /** Per database: [key, value, expireAt ms or undefined, idle seconds or undefined, freq or undefined]. */
  dbs: Map<number, Array<[string, RValue, number | undefined, number | undefined, number | undefined]>>;
}

export class RdbError extends Error {}

function readLe64(r: RdbReader): number {
  const x = r.take(8);
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(x.charCodeAt(i));
  return Number(BigInt.asIntN(64, v));
}

/** Parse a whole RDB file (latin1 string of its bytes). Throws RdbError naming what is wrong. */
export function decodeRdb(data: string, lim: LoadLimits): LoadedRdb {
  if (data.length < 9 || data.slice(0, 5) !== 'REDIS') throw new RdbError('Wrong signature trying to load DB from file');
  const version = Number(data.slice(5, 9));
  if (!Number.isInteger(version) || version < 1 || version > 10) throw new RdbError(`Can't handle RDB format version ${data.slice(5, 9)}`);
  const r = rdbReader(data, 9);
  const res: LoadedRdb = { version, aux: new Map(), functions: [], dbs: new Map() };
  let db = 0;
  let expireAt: number | undefined, idle: number | undefined, freq: number | undefined;
  try {
    for (;;) {
      const type = r.byte();
      if (type === OP_EXPIRETIME) { const x = r.take(4); expireAt = (x.charCodeAt(0) | (x.charCodeAt(1) << 8) | (x.charCodeAt(2) << 16) | (x.charCodeAt(3) << 24)) * 1000; continue; }
      if (type === OP_EXPIRETIME_MS) { expireAt = readLe64(r); continue; }
      if (type === OP_FREQ) { freq = r.byte(); continue; }
      if (type === OP_IDLE) { idle = r.plainLen(); continue; }
      if (type === OP_EOF) break;
      if (type === OP_SELECTDB) { db = r.plainLen(); continue; }
      if (type === OP_RESIZEDB) { r.plainLen(); r.plainLen(); continue; }
      if (type === OP_AUX) { const k = r.string(); res.aux.set(k, r.string()); continue; }
      if (type === OP_MODULE_AUX) throw new RdbError('The RDB file contains module AUX data, but no module can be loaded in redsim');
      if (type === OP_FUNCTION) throw new RdbError('Pre-GA function format not supported');
      if (type === OP_FUNCTION2) { res.functions.push(r.string()); continue; }
      // A key: the type byte, the key, the object.
      const key = r.string();
      const v = readObjectOfType(r, type, lim);
      if (!v) throw new RdbError(`Bad data format (key '${key}', type ${type})`);
      let list = res.dbs.get(db);
      if (!list) { list = []; res.dbs.set(db, list); }
      list.push([key, v, expireAt, idle, freq]);
      expireAt = idle = freq = undefined;
    }
  } catch (e) {
    if (e instanceof RdbError) throw e;
    throw new RdbError('Short read or OOM loading DB. Unrecoverable error, aborting now.');
  }
  if (version >= 5 && r.p + 8 <= data.length) {
    const sum = data.slice(r.p, r.p + 8);
    if (sum !== '\0\0\0\0\0\0\0\0' && new Crc64().update(data.slice(0, r.p)).digest() !== sum) {
      throw new RdbError('Wrong RDB checksum. Aborting now.');
    }
  }
  return res;
}

/** The limits loading uses (encodings chosen by the current config, as Redis converts on load). */
export function loadLimits(sim: RedSim): LoadLimits {
  const c = sim.config;
  return {
    hashEntries: c.getNumber('hash-max-listpack-entries'),
    hashValue: c.getNumber('hash-max-listpack-value'),
    setIntsetEntries: c.getNumber('set-max-intset-entries'),
    zsetEntries: c.getNumber('zset-max-listpack-entries'),
    zsetValue: c.getNumber('zset-max-listpack-value'),
  };
}
