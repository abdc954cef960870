/**
 * RESP2/RESP3 reply encoder: Reply values -> the exact bytes Redis 7.0 writes.
 *
 * Replies are written into a ReplyWriter: small pieces accumulate in a latin1
 * "byte string" (one char per byte; V8 concatenation is cheap) that becomes one
 * Buffer per CHUNK bytes, a single copy. Bulk strings of BIG_BULK bytes or more
 * are queued by reference and copied piecewise only when the socket takes them,
 * so no reply, however large, is ever built as one JS string (V8 strings stop at
 * 2^29-24 chars) nor held twice.
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

/** Small output is cut into Buffers of about this size. */
export const CHUNK = 64 * 1024;
/** Strings at least this long are queued by reference instead of copied into the current chunk. */
export const BIG_BULK = 64 * 1024;
/** A queued big string is handed to the socket in Buffers of this size. */
const PIECE = 1024 * 1024;

type Latin1Writer = { latin1Write(s: string, offset: number, length: number): number };

/**
 * Encoded output waiting for the socket: Buffers and big byte strings (with the
 * offset already taken from the first one). `size` counts every byte not handed
 * out yet: that is the output buffer Redis's client-output-buffer-limit measures.
 */
export class ReplyWriter {
  /** Small pieces not cut into a Buffer yet. */
  s = '';
  private readonly parts: Array<Buffer | string> = [];
  private head = 0;
  private headOff = 0;
  private partsBytes = 0;

  get size(): number { return this.partsBytes + this.s.length; }
  get empty(): boolean { return this.s.length === 0 && this.head === this.parts.length; }

  /** Turn the accumulated small pieces into a Buffer. */
  cut(): void {
    const s = this.s;
    if (s.length === 0) return;
    this.s = '';
    this.parts.push(Buffer.from(s, 'latin1'));
    this.partsBytes += s.length;
  }

  /** Queue a big byte string by reference. */
  big(v: string): void {
    this.cut();
    this.parts.push(v);
    this.partsBytes += v.length;
  }

  /** The next Buffer to write (at most about PIECE bytes of a big string), or null when empty. */
  take(): Buffer | null {
    if (this.head === this.parts.length) {
      this.cut();
      if (this.head === this.parts.length) return null;
    }
    const p = this.parts[this.head];
    let out: Buffer;
    if (typeof p !== 'string') {
      out = p;
      this.parts[this.head++] = '';
    } else {
      const n = Math.min(PIECE, p.length - this.headOff);
      out = Buffer.allocUnsafe(n);
      // The slice is a view in V8 (no copy); latin1Write is the one copy.
      (out as unknown as Latin1Writer).latin1Write(this.headOff === 0 && n === p.length ? p : p.slice(this.headOff, this.headOff + n), 0, n);
      this.headOff += n;
      if (this.headOff === p.length) { this.parts[this.head++] = ''; this.headOff = 0; }
    }
    this.partsBytes -= out.length;
    if (this.head === this.parts.length) { this.parts.length = 0; this.head = 0; }
    return out;
  }

  /** Everything pending as one Buffer (in-process callers; Buffers may exceed the string limit). */
  toBuffer(): Buffer {
    this.cut();
    const bufs: Buffer[] = [];
    for (let b = this.take(); b !== null; b = this.take()) bufs.push(b);
    return bufs.length === 1 ? bufs[0] : Buffer.concat(bufs);
  }

  /** Drop everything pending (the client is gone). */
  clear(): void {
    this.s = '';
    this.parts.length = 0;
    this.head = 0;
    this.headOff = 0;
    this.partsBytes = 0;
  }
}

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

/** prefix + v + CRLF, with v queued by reference when big. */
function line(w: ReplyWriter, prefix: string, v: string): void {
  if (v.length < BIG_BULK) { w.s += prefix + v + CRLF; return; }
  w.s += prefix;
  w.big(v);
  w.s = CRLF;
}

function bulkStr(w: ReplyWriter, v: string): void {
  const n = v.length;
  line(w, n < HDR_CACHE ? bulkHdr[n] : '$' + n + CRLF, v);
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

/** Append the bytes of one reply to `w`. */
export function writeReply(w: ReplyWriter, r: Reply, resp: RespVersion): void {
  enc(w, r, resp, 0);
}

/** Encode one reply as a byte string (latin1). Tests and small replies only: big ones exceed V8's string limit. */
export function encodeReplyString(r: Reply, resp: RespVersion): string {
  return encodeReply(r, resp).toString('latin1');
}

/** Header of an aggregate reply; '' for anything else. */
function aggOpen(r: Reply, resp: RespVersion): string {
  switch (r.t) {
    case 'array': return aggHdr('*', r.v.length);
    case 'set': return aggHdr(resp === 2 ? '*' : '~', r.v.length);
    case 'push': return aggHdr(resp === 2 ? '*' : '>', r.v.length);
    // RESP2 has no map type: a flat array of key, value, key, value...
    case 'map': return resp === 2 ? aggHdr('*', r.v.length * 2) : aggHdr('%', r.v.length);
    // An attribute frame precedes the reply it decorates; RESP2 has none.
    case 'attr': return resp === 2 ? '' : aggHdr('|', r.attrs.length);
    default: return '';
  }
}

function enc(w: ReplyWriter, r: Reply, resp: RespVersion, depth: number): void {
  switch (r.t) {
    case 'status':
      if (r.v === 'OK') w.s += OK_BYTES;
      else line(w, '+', statusLine(r.v));
      return;
    case 'error':
      line(w, '-', errorLine(r.v));
      return;
    case 'int':
      w.s += intLine(r.v);
      return;
    case 'bulk':
      bulkStr(w, r.v);
      return;
    case 'nil':
      w.s += resp === 2 ? NULL2 : NULL3;
      return;
    case 'nilarray':
      w.s += resp === 2 ? NULLARRAY2 : NULL3;
      return;
    case 'array':
    case 'set':
    case 'push': {
      if (depth >= MAX_RECURSION) { encDeep(w, r, resp); return; }
      const a = r.v;
      w.s += aggOpen(r, resp);
      for (let i = 0; i < a.length; i++) {
        enc(w, a[i], resp, depth + 1);
        if (w.s.length > CHUNK) w.cut();
      }
      return;
    }
    case 'map': {
      if (depth >= MAX_RECURSION) { encDeep(w, r, resp); return; }
      const m = r.v;
      w.s += aggOpen(r, resp);
      for (let i = 0; i < m.length; i++) {
        enc(w, m[i][0], resp, depth + 1);
        enc(w, m[i][1], resp, depth + 1);
        if (w.s.length > CHUNK) w.cut();
      }
      return;
    }
    case 'double': {
      const txt = doubleText(r.v, r.s);
      if (resp === 2) bulkStr(w, txt);
      else w.s += ',' + txt + CRLF;
      return;
    }
    case 'bool':
      if (resp === 2) w.s += r.v ? intCache[1 - INT_CACHE_MIN] : intCache[0 - INT_CACHE_MIN];
      else w.s += r.v ? '#t\r\n' : '#f\r\n';
      return;
    case 'verbatim':
      if (resp === 2) bulkStr(w, r.v);
      else line(w, '=' + (r.v.length + 4) + CRLF + verbatimTag(r.fmt) + ':', r.v);
      return;
    case 'bignum':
      if (resp === 2) bulkStr(w, r.v);
      else w.s += '(' + r.v + CRLF;
      return;
    case 'attr':
      if (resp === 3) {
        w.s += aggOpen(r, resp);
        for (const [k, v] of r.attrs) { enc(w, k, resp, depth + 1); enc(w, v, resp, depth + 1); }
      }
      enc(w, r.v, resp, depth + 1);
      return;
    case 'seq':
      // Several replies back to back (SUBSCRIBE a b): each one as it stands.
      for (let i = 0; i < r.v.length; i++) enc(w, r.v[i], resp, depth);
      return;
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
function encDeep(w: ReplyWriter, root: Reply, resp: RespVersion): void {
  w.s += aggOpen(root, resp);
  const stack: Array<{ items: readonly Reply[]; i: number }> = [{ items: children(root)!, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i === top.items.length) { stack.pop(); continue; }
    const x = top.items[top.i++];
    const sub = children(x);
    if (sub === null) { enc(w, x, resp, 0); if (w.s.length > CHUNK) w.cut(); continue; }
    w.s += aggOpen(x, resp);
    stack.push({ items: sub, i: 0 });
  }
}

/** Encode one reply as the bytes Redis would write on the socket. */
export function encodeReply(r: Reply, resp: RespVersion): Buffer {
  const w = new ReplyWriter();
  enc(w, r, resp, 0);
  return w.toBuffer();
}

/** Encode several replies (a pipelined batch) into one Buffer. */
export function encodeReplies(rs: readonly Reply[], resp: RespVersion): Buffer {
  const w = new ReplyWriter();
  for (let i = 0; i < rs.length; i++) enc(w, rs[i], resp, 0);
  return w.toBuffer();
}
