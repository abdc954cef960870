/**
 * RESP2/RESP3 reply encoder: Reply values -> the exact bytes Redis 7.0 writes.
 *
 * Encoding builds a latin1 "byte string" (one char per byte) and converts to a
 * Buffer once: V8 string concatenation is cheap (ropes) and a single
 * Buffer.from(latin1) per reply/batch beats many small Buffer.concat calls.
 */
import type { Reply } from '../reply.js';
import { formatDouble } from '../util/float.js';

export type RespVersion = 2 | 3;

const CRLF = '\r\n';

// Replies sent so often that building them each time is wasted work.
const OK_BYTES = '+OK\r\n';
const NULL2 = '$-1\r\n';
const NULLARRAY2 = '*-1\r\n';
const NULL3 = '_\r\n';

const INT_CACHE_MIN = -1;
const INT_CACHE_MAX = 1023;
const intCache: string[] = [];
for (let i = INT_CACHE_MIN; i <= INT_CACHE_MAX; i++) intCache[i - INT_CACHE_MIN] = ':' + i + CRLF;

const HDR_CACHE = 256;
const bulkHdr: string[] = [];
const arrHdr: string[] = [];
for (let i = 0; i < HDR_CACHE; i++) {
  bulkHdr[i] = '$' + i + CRLF;
  arrHdr[i] = '*' + i + CRLF;
}

const NEWLINE = /[\r\n]/;
const TRAILING_NEWLINES = /[\r\n]+$/;
const ANY_NEWLINE = /[\r\n]/g;

/**
 * Redis never lets a newline inside an error or status line (it would break
 * the protocol). addReplyErrorFormat trims CR/LF at both ends of "-<text>" (so
 * in effect only trailing ones: the text starts with its code or '-') and turns
 * the rest into spaces; statuses from scripts only get the mapping.
 */
function errorLine(v: string): string {
  if (!NEWLINE.test(v)) return v;
  return v.replace(TRAILING_NEWLINES, '').replace(ANY_NEWLINE, ' ');
}

function statusLine(v: string): string {
  if (!NEWLINE.test(v)) return v;
  return v.replace(ANY_NEWLINE, ' ');
}

function intLine(v: number | bigint): string {
  if (typeof v === 'number' && v >= INT_CACHE_MIN && v <= INT_CACHE_MAX && Number.isInteger(v)) {
    return intCache[v - INT_CACHE_MIN];
  }
  return ':' + String(v) + CRLF;
}

function bulkStr(v: string): string {
  const n = v.length;
  return (n < HDR_CACHE ? bulkHdr[n] : '$' + n + CRLF) + v + CRLF;
}

function aggHdr(prefix: string, n: number): string {
  if (prefix === '*' && n < HDR_CACHE) return arrHdr[n];
  return prefix + n + CRLF;
}

/**
 * Text Redis uses for a double: %.17g, with inf/-inf spelled explicitly, unless the
 * reply carries its own text `s` (geo coordinates are printed with "%.17Lf").
 */
export function doubleText(d: number, s?: string): string {
  return s ?? formatDouble(d);
}

/** Verbatim format tag: exactly three chars, space padded (addReplyVerbatim). */
function verbatimTag(fmt: string): string {
  return fmt.length >= 3 ? fmt.slice(0, 3) : (fmt + '   ').slice(0, 3);
}

/**
 * Nesting handled by plain recursion (fast, no allocation); deeper subtrees
 * go to the explicit-stack encoder. Scripts can nest replies ~8,000 deep.
 */
const MAX_RECURSION = 256;

/** Encode one reply as a byte string (latin1). */
export function encodeReplyString(r: Reply, resp: RespVersion): string {
  return enc(r, resp, 0);
}

/** Header of an aggregate reply; '' for anything else. */
function aggOpen(r: Reply, resp: RespVersion): string {
  switch (r.t) {
    case 'array': return aggHdr('*', r.v.length);
    case 'set': return aggHdr(resp === 2 ? '*' : '~', r.v.length);
    case 'push': return aggHdr(resp === 2 ? '*' : '>', r.v.length);
    // RESP2 has no map type: a flat array of key, value, key, value...
    case 'map': return resp === 2 ? aggHdr('*', r.v.length * 2) : aggHdr('%', r.v.length);
    default: return '';
  }
}

function enc(r: Reply, resp: RespVersion, depth: number): string {
  switch (r.t) {
    case 'status':
      return r.v === 'OK' ? OK_BYTES : '+' + statusLine(r.v) + CRLF;
    case 'error':
      return '-' + errorLine(r.v) + CRLF;
    case 'int':
      return intLine(r.v);
    case 'bulk':
      return bulkStr(r.v);
    case 'nil':
      return resp === 2 ? NULL2 : NULL3;
    case 'nilarray':
      return resp === 2 ? NULLARRAY2 : NULL3;
    case 'array':
    case 'set':
    case 'push': {
      if (depth >= MAX_RECURSION) return encDeep(r, resp);
      const a = r.v;
      let s = aggOpen(r, resp);
      for (let i = 0; i < a.length; i++) s += enc(a[i], resp, depth + 1);
      return s;
    }
    case 'map': {
      if (depth >= MAX_RECURSION) return encDeep(r, resp);
      const m = r.v;
      let s = aggOpen(r, resp);
      for (let i = 0; i < m.length; i++) {
        s += enc(m[i][0], resp, depth + 1);
        s += enc(m[i][1], resp, depth + 1);
      }
      return s;
    }
    case 'double': {
      const txt = doubleText(r.v, r.s);
      return resp === 2 ? bulkStr(txt) : ',' + txt + CRLF;
    }
    case 'bool':
      if (resp === 2) return r.v ? intCache[1 - INT_CACHE_MIN] : intCache[0 - INT_CACHE_MIN];
      return r.v ? '#t\r\n' : '#f\r\n';
    case 'verbatim':
      if (resp === 2) return bulkStr(r.v);
      return '=' + (r.v.length + 4) + CRLF + verbatimTag(r.fmt) + ':' + r.v + CRLF;
    case 'bignum':
      return resp === 2 ? bulkStr(r.v) : '(' + r.v + CRLF;
    case 'seq': {
      let s = '';
      for (let i = 0; i < r.v.length; i++) s += enc(r.v[i], resp, depth);
      return s;
    }
  }
}

/** The children of an aggregate in wire order (a map's keys and values interleaved). */
function children(r: Reply): readonly Reply[] | null {
  switch (r.t) {
    case 'array': case 'set': case 'push': return r.v;
    case 'map': {
      const flat: Reply[] = [];
      for (const [k, v] of r.v) flat.push(k, v);
      return flat;
    }
    default: return null;
  }
}

/** Explicit-stack encoder for deeply nested replies: no JS recursion at any depth. */
function encDeep(root: Reply, resp: RespVersion): string {
  let out = aggOpen(root, resp);
  const stack: Array<{ items: readonly Reply[]; i: number }> = [{ items: children(root)!, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i === top.items.length) { stack.pop(); continue; }
    const x = top.items[top.i++];
    const sub = children(x);
    if (sub === null) { out += enc(x, resp, 0); continue; }
    out += aggOpen(x, resp);
    stack.push({ items: sub, i: 0 });
  }
  return out;
}

/** Encode one reply as the bytes Redis would write on the socket. */
export function encodeReply(r: Reply, resp: RespVersion): Buffer {
  return Buffer.from(encodeReplyString(r, resp), 'latin1');
}

/** Encode several replies (a pipelined batch) into one Buffer. */
export function encodeReplies(rs: readonly Reply[], resp: RespVersion): Buffer {
  let s = '';
  for (let i = 0; i < rs.length; i++) s += encodeReplyString(rs[i], resp);
  return Buffer.from(s, 'latin1');
}
