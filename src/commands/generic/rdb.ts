/**
 * RDB serialization of single values for DUMP/RESTORE (RDB version 10, Redis 7.0):
 * length and string encodings (integer and LZF forms), listpack and intset blobs,
 * and the CRC64 (Jones polynomial) footer. Byte strings are latin1 JS strings.
 */
import type { RValue, StringValue } from '../../keyspace/values.js';
import type { ZSetValue } from '../../keyspace/values.js';
import { parseLongLong, d2string, strtod } from '../../util/float.js';
import { stringEncoding, intValueOf } from '../string/enc.js';
import { listFrom } from '../../types/list.js';
import { setFromMembers, intsetWidth } from '../../types/set.js';
import { newZSetValue, convertToListpackIfNeeded } from '../../types/zset.js';
import { crc64, le32 } from '../../util/crc64.js';
import { decodeId, encodeId, idMs, idSeq, makeId, Stream, type StreamConsumer, type StreamNack } from '../../types/stream.js';
import { StreamConsumer as Consumer } from '../../types/stream.js';
import { lzfCompress, lzfDecompress } from '../../util/lzf.js';
import { IndexedMap, IndexedSet } from '../../types/indexed.js';

export { crc64 };


export const RDB_VERSION = 10;
// RDB object type bytes (rdb.h); the ziplist/zipmap/quicklist-v1 ones come from older servers.
const T_STRING = 0, T_LIST = 1, T_SET = 2, T_ZSET = 3, T_HASH = 4, T_ZSET_2 = 5,
  T_LIST_ZIPLIST = 10, T_SET_INTSET = 11, T_ZSET_ZIPLIST = 12, T_HASH_ZIPLIST = 13,
  T_LIST_QUICKLIST = 14, T_HASH_LISTPACK = 16, T_ZSET_LISTPACK = 17, T_LIST_QUICKLIST_2 = 18,
  T_STREAM_LISTPACKS = 15, T_STREAM_LISTPACKS_2 = 19;

function bytesOf(s: string): Uint8Array {
  const u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}
function strOf(u: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192));
  return s;
}

function saveLen(n: number): string {
  if (n < 64) return String.fromCharCode(n);
  if (n < 16384) return String.fromCharCode(0x40 | (n >> 8), n & 0xff);
  if (n <= 0xffffffff) return '\x80' + String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const b = BigInt(n);
  let s = '\x81';
  for (let i = 7; i >= 0; i--) s += String.fromCharCode(Number((b >> BigInt(i * 8)) & 0xffn));
  return s;
}

/** rdbEncodeInteger: 8/16/32-bit integer string forms, or null. */
function encodeInteger(v: bigint): string | null {
  const n = Number(v);
  if (n >= -128 && n <= 127) return '\xc0' + String.fromCharCode(n & 0xff);
  if (n >= -32768 && n <= 32767) return '\xc1' + String.fromCharCode(n & 0xff, (n >> 8) & 0xff);
  if (n >= -2147483648 && n <= 2147483647) return '\xc2' + le32(n >>> 0);
  return null;
}

/** rdbSaveRawString: integer form for short canonical integers, LZF above 20 bytes, else verbatim. */
export function saveString(s: string): string {
  if (s.length <= 11) {
    const v = parseLongLong(s);
    if (v !== null && v.toString() === s) {
      const e = encodeInteger(v);
      if (e) return e;
    }
  }
  if (s.length > 20) {
    const c = lzfCompress(bytesOf(s), s.length - 4);
    if (c) return '\xc3' + saveLen(c.length) + saveLen(s.length) + strOf(c);
  }
  return saveLen(s.length) + s;
}

function saveStringObject(v: StringValue): string {
  if (stringEncoding(v) === 'int') {
    const n = intValueOf(v.v)!;
    return encodeInteger(n) ?? saveLen(v.v.length) + v.v;
  }
  return saveString(v.v);
}

// ---------------------------------------------------------------- listpack / intset
function lpBacklen(l: number): string {
  if (l <= 127) return String.fromCharCode(l);
  if (l < 16383) return String.fromCharCode(l >> 7, (l & 127) | 128);
  if (l < 2097151) return String.fromCharCode(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  if (l < 268435455) return String.fromCharCode(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  return String.fromCharCode(l >>> 28, ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

function lpIntBytes(v: bigint, n: number): string {
  let u = v < 0n ? (1n << BigInt(n * 8)) + v : v;
  let s = '';
  for (let i = 0; i < n; i++) { s += String.fromCharCode(Number(u & 0xffn)); u >>= 8n; }
  return s;
}

export function lpEntry(s: string): string {
  let enc: string;
  const v = s.length <= 20 ? parseLongLong(s) : null;
  if (v !== null) {
    if (v >= 0n && v <= 127n) enc = String.fromCharCode(Number(v));
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      enc = String.fromCharCode((u >> 8) | 0xc0, u & 0xff);
    } else if (v >= -32768n && v <= 32767n) enc = '\xf1' + lpIntBytes(v, 2);
    else if (v >= -8388608n && v <= 8388607n) enc = '\xf2' + lpIntBytes(v, 3);
    else if (v >= -2147483648n && v <= 2147483647n) enc = '\xf3' + lpIntBytes(v, 4);
    else enc = '\xf4' + lpIntBytes(v, 8);
  } else if (s.length < 64) enc = String.fromCharCode(0x80 | s.length) + s;
  else if (s.length < 4096) enc = String.fromCharCode(0xe0 | (s.length >> 8), s.length & 0xff) + s;
  else enc = '\xf0' + le32(s.length) + s;
  return enc + lpBacklen(enc.length);
}

export function buildListpack(items: string[]): string {
  const body = items.map(lpEntry).join('');
  const total = 6 + body.length + 1;
  const n = items.length < 65535 ? items.length : 65535;
  return le32(total) + String.fromCharCode(n & 0xff, n >> 8) + body + '\xff';
}

/** lpDecodeBacklen: the entry length stored backwards ending at byte `at`. */
function lpDecodeBacklen(s: string, at: number, min: number): number {
  let val = 0, shift = 0;
  for (let p = at; p >= min; p--) {
    const b = s.charCodeAt(p);
    val += (b & 127) * 2 ** shift;
    if (!(b & 128)) return val;
    shift += 7;
    if (shift > 28) return -1;
  }
  return -1;
}

/**
 * Entries of a listpack, or null when it is malformed. The header checks are
 * lpValidateIntegrity's shallow ones (size, total bytes, terminator); with
 * `deep` (sanitize-dump-payload yes) every entry is also checked as
 * lpValidateNext does (encoding, bounds, the backlen matching the entry) and
 * the header count must match, so a corrupt payload with a valid CRC gets
 * "Bad data format" exactly where Redis answers it.
 */
export function parseListpack(s: string, deep = false): string[] | null {
  if (s.length < 7 || s.charCodeAt(s.length - 1) !== 0xff) return null;
  const total = (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
  if (total !== s.length) return null;
  const numele = s.charCodeAt(4) | (s.charCodeAt(5) << 8);
  const out: string[] = [];
  let p = 6;
  const intAt = (at: number, n: number) => {
    let u = 0n;
    for (let i = n - 1; i >= 0; i--) u = (u << 8n) | BigInt(s.charCodeAt(at + i));
    if (u >= 1n << BigInt(n * 8 - 1)) u -= 1n << BigInt(n * 8);
    return u.toString();
  };
  while (p < s.length - 1) {
    const b = s.charCodeAt(p);
    let len: number;
    if (b < 0x80) { out.push(String(b)); len = 1; }
    else if ((b & 0xc0) === 0x80) { const l = b & 0x3f; out.push(s.substr(p + 1, l)); len = 1 + l; }
    else if ((b & 0xe0) === 0xc0) {
      let u = ((b & 0x1f) << 8) | s.charCodeAt(p + 1);
      if (u >= 4096) u -= 8192;
      out.push(String(u)); len = 2;
    } else if ((b & 0xf0) === 0xe0) { const l = ((b & 0x0f) << 8) | s.charCodeAt(p + 1); out.push(s.substr(p + 2, l)); len = 2 + l; }
    else if (b === 0xf0) {
      const l = (s.charCodeAt(p + 1) | (s.charCodeAt(p + 2) << 8) | (s.charCodeAt(p + 3) << 16) | (s.charCodeAt(p + 4) << 24)) >>> 0;
      out.push(s.substr(p + 5, l)); len = 5 + l;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const n = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
      out.push(intAt(p + 1, n)); len = 1 + n;
    } else return null;
    const bl = lpBacklen(len).length;
    if (p + len + bl > s.length - 1) return null;
    if (deep && lpDecodeBacklen(s, p + len + bl - 1, p + len) !== len) return null;
    p += len + bl;
  }
  if (deep && numele !== 65535 && numele !== out.length) return null;
  return out;
}

/** Entries of a ziplist (pre-7.0 small-collection blob), or null when malformed. */
export function parseZiplist(s: string): string[] | null {
  if (s.length < 11 || s.charCodeAt(s.length - 1) !== 0xff) return null;
  const u32 = (at: number) => (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
  const total = u32(0);
  if (total !== s.length) return null;
  const end = s.length - 1;
  // ziplistValidateIntegrity (RESTORE always runs it deep): tail offset, prevlens, count
  const tail = u32(4);
  if (tail > end) return null;
  const headerCount = s.charCodeAt(8) | (s.charCodeAt(9) << 8);
  let prevRaw = 0;
  let last = -1;
  const int = (at: number, n: number): string => {
    let u = 0n;
    for (let i = n - 1; i >= 0; i--) u = (u << 8n) | BigInt(s.charCodeAt(at + i));
    if (u >= 1n << BigInt(n * 8 - 1)) u -= 1n << BigInt(n * 8);
    return u.toString();
  };
  const out: string[] = [];
  let p = 10;
  while (p < end) {
    const start = p;
    const prev = s.charCodeAt(p);
    let prevLen = prev;
    if (prev === 0xfe) {
      if (p + 5 > end) return null;
      prevLen = u32(p + 1);
    }
    if (prevLen !== prevRaw) return null;
    p += prev === 0xfe ? 5 : 1;
    if (p >= end) return null;
    const e = s.charCodeAt(p);
    let len = -1, hdr = 1;
    switch (e >> 6) {
      case 0: len = e & 0x3f; break;
      case 1: if (p + 2 > end) return null; len = ((e & 0x3f) << 8) | s.charCodeAt(p + 1); hdr = 2; break;
      case 2:
        // ZIP_STR_32B: the low 6 bits of the encoding byte are ignored
        if (p + 5 > end) return null;
        len = ((s.charCodeAt(p + 1) << 24) >>> 0) + (s.charCodeAt(p + 2) << 16) + (s.charCodeAt(p + 3) << 8) + s.charCodeAt(p + 4);
        hdr = 5;
        break;
      default: {
        const n = e === 0xc0 ? 2 : e === 0xd0 ? 4 : e === 0xe0 ? 8 : e === 0xf0 ? 3 : e === 0xfe ? 1 : 0;
        if (n) { if (p + 1 + n > end) return null; out.push(int(p + 1, n)); p += 1 + n; }
        else if (e >= 0xf1 && e <= 0xfd) { out.push(String((e & 0x0f) - 1)); p += 1; }
        else return null;
        prevRaw = p - start;
        last = start;
        continue;
      }
    }
    if (p + hdr + len > end) return null;
    out.push(s.substr(p + hdr, len));
    p += hdr + len;
    prevRaw = p - start;
    last = start;
  }
  if (p !== end) return null;
  if (last >= 0 && last !== tail) return null;
  if (headerCount !== 65535 && headerCount !== out.length) return null;
  return out;
}

/** An intset blob; `w` is the entry width, which never narrows after removals (intsetWidth). */
function buildIntset(members: bigint[], w: number): string {
  const sorted = members.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return le32(w) + le32(sorted.length) + sorted.map((v) => lpIntBytes(v, w)).join('');
}

/** intsetValidateIntegrity: width, size, not empty; `deep` also wants strictly ascending members. */
function parseIntset(s: string, deep: boolean): { members: string[]; width: 2 | 4 | 8 } | null {
  if (s.length < 8) return null;
  const w = s.charCodeAt(0);
  if (s.charCodeAt(1) | s.charCodeAt(2) | s.charCodeAt(3)) return null;
  const n = (s.charCodeAt(4) | (s.charCodeAt(5) << 8) | (s.charCodeAt(6) << 16) | (s.charCodeAt(7) << 24)) >>> 0;
  if ((w !== 2 && w !== 4 && w !== 8) || s.length !== 8 + n * w || n === 0) return null;
  const out: string[] = [];
  let prev = 0n;
  for (let i = 0; i < n; i++) {
    let u = 0n;
    for (let k = w - 1; k >= 0; k--) u = (u << 8n) | BigInt(s.charCodeAt(8 + i * w + k));
    if (u >= 1n << BigInt(w * 8 - 1)) u -= 1n << BigInt(w * 8);
    if (deep && i > 0 && u <= prev) return null;
    prev = u;
    out.push(u.toString());
  }
  return { members: out, width: w as 2 | 4 | 8 };
}

// ---------------------------------------------------------------- save
/** quicklist.c's size classes for list-max-listpack-size -1..-5. */
const QL_LEVELS = [4096, 8192, 16384, 32768, 65536];
const QL_SAFETY_LIMIT = 8192, QL_OVERHEAD = 8, QL_FILL_MAX = 32767;

/**
 * Node boundaries of a list built by pushes at the tail (RPUSH, RESTORE):
 * _quicklistNodeAllowInsert estimates the new node size as the current listpack
 * bytes + the raw element length + 8 and compares it with the size class (fill
 * < 0) or, under the 8 KB safety limit, the node's element count with fill.
 */
export function splitListNodes(items: Iterable<string>, fill: number): string[][] {
  fill = Math.max(-5, Math.min(fill, QL_FILL_MAX));
  const level = fill < 0 ? QL_LEVELS[-fill - 1] : 0;
  const nodes: string[][] = [];
  let cur: string[] = [];
  let size = 7;
  for (const it of items) {
    const est = size + it.length + QL_OVERHEAD;
    const allow = cur.length > 0 && ((fill < 0 && est <= level) || (est <= QL_SAFETY_LIMIT && cur.length < fill));
    if (cur.length && !allow) { nodes.push(cur); cur = []; size = 7; }
    cur.push(it); size += lpEntry(it).length;
  }
  if (cur.length) nodes.push(cur);
  return nodes;
}

/** A zset score inside a listpack: integral values as integers (so -0 is 0), else d2string. */
export function lpScore(score: number): string {
  return score === 0 ? '0' : d2string(score);
}

/** rdbSaveBinaryDoubleValue: IEEE 754 binary64, little-endian. */
function binaryDouble(d: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, d, true);
  let s = '';
  for (let i = 0; i < 8; i++) s += String.fromCharCode(dv.getUint8(i));
  return s;
}

function readBinaryDouble(s: string): number {
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 8; i++) dv.setUint8(i, s.charCodeAt(i));
  return dv.getFloat64(0, true);
}

function saveZSet(v: ZSetValue): string {
  if (v.enc === 'listpack') {
    const flat: string[] = [];
    for (const [m, sc] of v.v.entries()) flat.push(m, lpScore(sc));
    return String.fromCharCode(T_ZSET_LISTPACK) + saveString(buildListpack(flat));
  }
  // Redis writes a skiplist from the greatest element down (cheap head inserts on load).
  let s = String.fromCharCode(T_ZSET_2) + saveLen(v.v.size);
  for (let x = v.v.last(); x; x = x.backward) s += saveString(x.member) + binaryDouble(x.score);
  return s;
}

/** Object type byte + payload (rdbSaveObjectType + rdbSaveObject), or null when unsupported. */
export function saveObject(v: RValue, listFill: number): string | null {
  switch (v.type) {
    case 'string': return String.fromCharCode(T_STRING) + saveStringObject(v);
    case 'list': {
      const nodes = splitListNodes(v.v, listFill);
      return String.fromCharCode(T_LIST_QUICKLIST_2) + saveLen(nodes.length)
        + nodes.map((n) => saveLen(2) + saveString(buildListpack(n))).join('');
    }
    case 'set': {
      if (v.enc === 'intset') return String.fromCharCode(T_SET_INTSET) + saveString(buildIntset([...v.v].map((m) => BigInt(m)), intsetWidth(v)));
      return String.fromCharCode(T_SET) + saveLen(v.v.size) + [...v.v].map(saveString).join('');
    }
    case 'hash': {
      if (v.enc === 'listpack') {
        const flat: string[] = [];
        for (const [f, val] of v.v) flat.push(f, val);
        return String.fromCharCode(T_HASH_LISTPACK) + saveString(buildListpack(flat));
      }
      let s = String.fromCharCode(T_HASH) + saveLen(v.v.size);
      for (const [f, val] of v.v) s += saveString(f) + saveString(val);
      return s;
    }
    case 'zset': return saveZSet(v);
    case 'stream': return String.fromCharCode(T_STREAM_LISTPACKS_2) + saveStream(v.v);
    default: return null;
  }
}

/** DUMP payload: object, RDB version (LE16), CRC64 (LE64). */
export function dumpPayload(v: RValue, listFill: number): string | null {
  const body = saveObject(v, listFill);
  if (body === null) return null;
  const s = body + String.fromCharCode(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  return s + crc64(s);
}

// ---------------------------------------------------------------- load
class Reader {
  p = 0;
  constructor(readonly s: string) {}
  byte(): number { if (this.p >= this.s.length) throw new Error('eof'); return this.s.charCodeAt(this.p++); }
  take(n: number): string { if (this.p + n > this.s.length) throw new Error('eof'); const r = this.s.substr(this.p, n); this.p += n; return r; }
  /** rdbLoadLen: { len } or { enc } for the special string encodings. */
  len(): { len: number; enc: number | null } {
    const b = this.byte();
    const t = b >> 6;
    if (t === 0) return { len: b & 0x3f, enc: null };
    if (t === 1) return { len: ((b & 0x3f) << 8) | this.byte(), enc: null };
    if (t === 3) return { len: 0, enc: b & 0x3f };
    if (b === 0x80) { const x = this.take(4); return { len: ((x.charCodeAt(0) << 24) >>> 0) + (x.charCodeAt(1) << 16) + (x.charCodeAt(2) << 8) + x.charCodeAt(3), enc: null }; }
    if (b === 0x81) { const x = this.take(8); let v = 0; for (let i = 0; i < 8; i++) v = v * 256 + x.charCodeAt(i); return { len: v, enc: null }; }
    throw new Error('bad len');
  }
  plainLen(): number { const l = this.len(); if (l.enc !== null) throw new Error('bad len'); return l.len; }
  string(): string {
    const l = this.len();
    if (l.enc === null) return this.take(l.len);
    if (l.enc <= 2) {
      const n = 1 << l.enc;
      const x = this.take(n);
      let u = 0n;
      for (let i = n - 1; i >= 0; i--) u = (u << 8n) | BigInt(x.charCodeAt(i));
      if (u >= 1n << BigInt(n * 8 - 1)) u -= 1n << BigInt(n * 8);
      return u.toString();
    }
    if (l.enc === 3) {
      const clen = this.plainLen();
      const len = this.plainLen();
      const packed = this.take(clen);
      // lzf_decompress returns 0 on any error, which is what a 0-length string expects: ""
      if (len === 0) return '';
      const d = lzfDecompress(bytesOf(packed), len);
      if (!d) throw new Error('lzf');
      return strOf(d);
    }
    throw new Error('bad enc');
  }
}

export interface LoadLimits {
  hashEntries: number; hashValue: number; setIntsetEntries: number;
  zsetEntries: number; zsetValue: number;
  /** sanitize-dump-payload yes: validate listpack and intset blobs entry by entry, as Redis's deep check. */
  deep?: boolean;
}

/** Member/value pairs with no repeated member; null otherwise. */
function pairs(flat: string[] | null): Array<[string, string]> | null {
  if (!flat || flat.length === 0 || flat.length % 2) return null;
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (seen.has(flat[i])) return null;
    seen.add(flat[i]);
    out.push([flat[i], flat[i + 1]]);
  }
  return out;
}

/** A zset loaded from a listpack/ziplist blob: kept as listpack unless it has too many entries. */
function zsetFromBlob(flat: string[] | null, lim: LoadLimits): RValue | null {
  const ps = pairs(flat);
  if (!ps) return null;
  const zv = newZSetValue(ps.length > lim.zsetEntries ? 'skiplist' : 'listpack');
  for (const [m, sc] of ps) {
    const d = strtod(sc.slice(0, 127)).value;
    if (Number.isNaN(d)) return null;
    zv.v.insert(m, zv.enc === 'listpack' && d === 0 ? 0 : d);
  }
  return zv;
}

/** A hash loaded from a listpack/ziplist blob: only the entry count can force a hashtable. */
function hashFromBlob(flat: string[] | null, lim: LoadLimits): RValue | null {
  const ps = pairs(flat);
  if (!ps) return null;
  return { type: 'hash', v: new IndexedMap(ps), enc: ps.length > lim.hashEntries ? 'hashtable' : 'listpack', lru: 0 };
}

/** rdbLoadDoubleValue (RDB_TYPE_ZSET): length byte (253 nan, 254 inf, 255 -inf) and text. */
function readTextDouble(r: Reader): number {
  const n = r.byte();
  if (n === 253) return NaN;
  if (n === 254) return Infinity;
  if (n === 255) return -Infinity;
  const t = strtod(r.take(n));
  if (t.end === 0) throw new Error('bad double');
  return t.value;
}

function loadList(r: Reader, t: number, lim: LoadLimits): RValue | null {
  const items: string[] = [];
  if (t === T_LIST) {
    const n = r.plainLen();
    for (let i = 0; i < n; i++) items.push(r.string());
  } else if (t === T_LIST_ZIPLIST) {
    const z = parseZiplist(r.string());
    if (!z) return null;
    items.push(...z);
  } else {
    const n = r.plainLen();
    for (let i = 0; i < n; i++) {
      const container = t === T_LIST_QUICKLIST_2 ? r.plainLen() : 2;
      if (container !== 1 && container !== 2) return null;
      const blob = r.string();
      if (blob.length === 0) return null;
      if (container === 1) { items.push(blob); continue; }
      const lp = t === T_LIST_QUICKLIST_2 ? parseListpack(blob, lim.deep ?? false) : parseZiplist(blob);
      if (!lp) return null;
      for (const e of lp) items.push(e);
    }
  }
  return items.length ? listFrom(items) : null;
}

function loadSet(r: Reader, t: number, lim: LoadLimits): RValue | null {
  const maxIntset = Math.min(lim.setIntsetEntries, 2 ** 30);
  if (t === T_SET_INTSET) {
    const blob = parseIntset(r.string(), lim.deep ?? false);
    if (!blob || blob.members.length === 0) return null;
    const members = blob.members;
    const sorted = members.map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const v = new IndexedSet(sorted.map(String));
    if (v.size !== members.length) return null;
    // The restored intset keeps the blob's entry width, as Redis keeps the blob itself.
    return { type: 'set', v, enc: members.length > maxIntset ? 'hashtable' : 'intset', lru: 0, iw: blob.width };
  }
  const n = r.plainLen();
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(r.string());
  if (!members.length) return null;
  // Redis fills an intset until a member is not an integer (or there are too many).
  const v = setFromMembers(members, { maxIntset });
  if (n > maxIntset) v.enc = 'hashtable';
  return v.v.size === members.length ? v : null;
}

function loadHash(r: Reader, lim: LoadLimits): RValue | null {
  const n = r.plainLen();
  const m = new IndexedMap<string>();
  let listpack = n <= lim.hashEntries;
  for (let i = 0; i < n; i++) {
    const f = r.string(), val = r.string();
    if (m.has(f)) return null;
    if (f.length > lim.hashValue || val.length > lim.hashValue) listpack = false;
    m.set(f, val);
  }
  if (!m.size) return null;
  return { type: 'hash', v: m, enc: listpack ? 'listpack' : 'hashtable', lru: 0 };
}

/** RDB_TYPE_ZSET / ZSET_2: a skiplist, made a listpack afterwards when small enough. */
function loadZSet(r: Reader, t: number, lim: LoadLimits): RValue | null {
  const n = r.plainLen();
  if (!n) return null;
  const zv = newZSetValue('skiplist');
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const m = r.string();
    const d = t === T_ZSET_2 ? readBinaryDouble(r.take(8)) : readTextDouble(r);
    if (Number.isNaN(d) || zv.v.has(m)) return null;
    if (m.length > maxLen) maxLen = m.length;
    zv.v.insert(m, d);
  }
  convertToListpackIfNeeded(zv, { maxEntries: lim.zsetEntries, maxValue: lim.zsetValue }, maxLen);
  return zv;
}

/**
 * Parse a DUMP payload (footer included, as Redis reads it) into a value with the
 * encoding Redis would give it under the current limits; null when malformed,
 * empty, or of a type redsim does not hold (modules, zipmaps).
 */
export function loadObject(body: string, lim: LoadLimits): RValue | null {
  return readObject(new Reader(body), lim);
}

/** A reader over a whole RDB file (src/persistence/rdb-file.ts reads opcodes and keys with it). */
export function rdbReader(s: string, pos = 0): Reader {
  const r = new Reader(s);
  r.p = pos;
  return r;
}
export type { Reader as RdbReader };

/** The object at the reader's position (type byte first); null when malformed. */
export function readObject(r: Reader, lim: LoadLimits): RValue | null {
  let t: number;
  try { t = r.byte(); } catch { return null; }
  return readObjectOfType(r, t, lim);
}

/** The object of type `t` at the reader's position (in an RDB file the key sits between type and object). */
export function readObjectOfType(r: Reader, t: number, lim: LoadLimits): RValue | null {
  try {
    // Redis reads from the whole payload and ignores whatever follows the object.
    switch (t) {
      case T_STRING: return { type: 'string', v: r.string(), lru: 0 };
      case T_LIST: case T_LIST_ZIPLIST: case T_LIST_QUICKLIST: case T_LIST_QUICKLIST_2: return loadList(r, t, lim);
      case T_SET: case T_SET_INTSET: return loadSet(r, t, lim);
      case T_HASH: return loadHash(r, lim);
      case T_HASH_LISTPACK: return hashFromBlob(parseListpack(r.string(), lim.deep ?? false), lim);
      case T_HASH_ZIPLIST: return hashFromBlob(parseZiplist(r.string()), lim);
      case T_ZSET: case T_ZSET_2: return loadZSet(r, t, lim);
      case T_ZSET_LISTPACK: return zsetFromBlob(parseListpack(r.string(), lim.deep ?? false), lim);
      case T_ZSET_ZIPLIST: return zsetFromBlob(parseZiplist(r.string()), lim);
      case T_STREAM_LISTPACKS: case T_STREAM_LISTPACKS_2: return loadStream(r, t === T_STREAM_LISTPACKS_2);
      default: return null;
    }
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- streams
/** rdbSaveLen for the full 64-bit range. */
function saveLenBig(v: bigint): string {
  if (v <= 0xffffffffn) return saveLen(Number(v));
  let s = '\x81';
  for (let i = 7; i >= 0; i--) s += String.fromCharCode(Number((v >> BigInt(i * 8)) & 0xffn));
  return s;
}

/** rdbSaveMillisecondTime: int64 little endian. */
function saveMs(ms: number): string {
  let u = BigInt.asUintN(64, BigInt(ms));
  let s = '';
  for (let i = 0; i < 8; i++) { s += String.fromCharCode(Number(u & 0xffn)); u >>= 8n; }
  return s;
}

/** RDB_TYPE_STREAM_LISTPACKS_2 body: the node listpacks, the stream's ids and counters, the groups. */
function saveStream(st: Stream): string {
  let s = saveLen(st.nodes.length);
  for (const n of st.nodes) s += saveString(encodeId(n.master)) + saveString(buildListpack(n.elements()));
  s += saveLen(st.length);
  for (const id of [st.lastId, st.firstId, st.maxDeletedId]) s += saveLenBig(idMs(id)) + saveLenBig(idSeq(id));
  s += saveLenBig(st.entriesAdded);
  const groups = st.sortedGroups();
  s += saveLen(groups.length);
  for (const g of groups) {
    s += saveString(g.name) + saveLenBig(idMs(g.lastId)) + saveLenBig(idSeq(g.lastId)) + saveLenBig(BigInt.asUintN(64, g.entriesRead));
    s += saveLen(g.pel.size);
    for (const [id, nack] of g.pel.entries()) s += encodeId(id) + saveMs(nack.deliveryTime) + saveLenBig(nack.deliveryCount);
    const cons = g.sortedConsumers();
    s += saveLen(cons.length);
    for (const c of cons) {
      s += saveString(c.name) + saveMs(c.seenTime) + saveLen(c.pel.size);
      for (const [id] of c.pel.entries()) s += encodeId(id);
    }
  }
  return s;
}

function readLenBig(r: Reader): bigint {
  const b = r.byte();
  const t = b >> 6;
  if (t === 0) return BigInt(b & 0x3f);
  if (t === 1) return BigInt(((b & 0x3f) << 8) | r.byte());
  if (b === 0x80 || b === 0x81) {
    const x = r.take(b === 0x80 ? 4 : 8);
    let v = 0n;
    for (let i = 0; i < x.length; i++) v = (v << 8n) | BigInt(x.charCodeAt(i));
    return v;
  }
  throw new Error('bad len');
}

function readMs(r: Reader): number {
  const x = r.take(8);
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(x.charCodeAt(i));
  return Number(BigInt.asIntN(64, v));
}

function loadStream(r: Reader, v2: boolean): RValue | null {
  const st = new Stream();
  const nodes = r.plainLen();
  for (let i = 0; i < nodes; i++) {
    const key = r.string();
    if (key.length !== 16) return null;
    const els = parseListpack(r.string());
    if (!els || els.length === 0) return null;
    const master = decodeId(key);
    if (st.nodes.length && st.nodes[st.nodes.length - 1].master >= master) return null;
    const node = Stream.nodeFromElements(master, els);
    if (!node) return null;
    st.nodes.push(node);
  }
  st.length = Number(readLenBig(r));
  st.lastId = makeId(readLenBig(r), readLenBig(r));
  if (v2) {
    st.firstId = makeId(readLenBig(r), readLenBig(r));
    st.maxDeletedId = makeId(readLenBig(r), readLenBig(r));
    st.entriesAdded = readLenBig(r);
  } else {
    st.entriesAdded = BigInt(st.length);
    st.firstId = st.edgeId(true, true);
  }
  let live = 0;
  for (const n of st.nodes) live += n.count;
  if (live !== st.length) return null;
  const ngroups = r.plainLen();
  for (let i = 0; i < ngroups; i++) {
    const name = r.string();
    const lastId = makeId(readLenBig(r), readLenBig(r));
    const er = v2 ? BigInt.asIntN(64, readLenBig(r)) : st.estimateDistance(lastId);
    const g = st.createGroup(name, lastId, er);
    if (!g) return null;
    const npel = Number(readLenBig(r));
    for (let j = 0; j < npel; j++) {
      const id = decodeId(r.take(16));
      const nack: StreamNack = { deliveryTime: readMs(r), deliveryCount: readLenBig(r), consumer: null };
      if (g.pel.has(id)) return null;
      g.pel.set(id, nack);
    }
    const ncons = Number(readLenBig(r));
    for (let j = 0; j < ncons; j++) {
      const cname = r.string();
      const c: StreamConsumer = new Consumer(cname, readMs(r));
      if (g.consumers.has(cname)) return null;
      g.consumers.set(cname, c);
      const n = Number(readLenBig(r));
      for (let k = 0; k < n; k++) {
        const id = decodeId(r.take(16));
        const nack = g.pel.get(id);
        if (!nack || nack.consumer) return null;
        nack.consumer = c;
        c.pel.set(id, nack);
      }
    }
    // A pending entry nobody owns would break XPENDING and XINFO: refuse the payload.
    for (const [, nack] of g.pel.entries()) if (!nack.consumer) return null;
  }
  return { type: 'stream', v: st, enc: 'stream', lru: 0 };
}
