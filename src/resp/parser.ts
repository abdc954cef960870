/**
 * Incremental RESP request parser (what a Redis 7.0 server reads from a client)
 * plus a RESP2/RESP3 reply parser (what a client reads; used by tests, the
 * benchmark and the differential harness).
 *
 * The request parser follows processInputBuffer / processInlineBuffer /
 * processMultibulkBuffer of networking.c, including their quirks: header lines
 * are searched like strchr (a NUL byte hides the terminator), the byte after a
 * header's '\r' is skipped without being checked, and non-positive multibulk
 * counts are silently ignored.
 */
import type { Reply } from '../reply.js';

const INLINE_MAX = 64 * 1024; // PROTO_INLINE_MAX_SIZE
const MAX_BULK = 512 * 1024 * 1024; // proto-max-bulk-len default
/** V8's string length limit: longer arguments cannot be held as byte strings. */
export const MAX_JS_STRING = 2 ** 29 - 24;
/**
 * Stands in for a command with an argument longer than MAX_JS_STRING: its bytes
 * are read and dropped, and the front end answers it with an error instead of
 * running it (Redis would store it; JS strings cannot hold it).
 */
export const TOO_BIG_ARG: string[] = Object.freeze([]) as unknown as string[];
export const TOO_BIG_ARG_ERROR = `ERR redsim cannot hold an argument this large (JavaScript strings are limited to ${MAX_JS_STRING} bytes)`;
const INT_MAX = 2147483647;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/** Bytes -> byte string. Node's internal latin1Slice skips toString's argument juggling. */
type Latin1Slicer = { latin1Slice(start: number, end: number): string };
const latin1 = (b: Buffer, start: number, end: number): string =>
  (b as unknown as Latin1Slicer).latin1Slice(start, end);

export interface RequestBatch {
  /** Complete commands, in order (argv as byte strings). */
  commands: string[][];
  /**
   * Protocol error text (with code, without '-'), set when the input became
   * invalid after `commands`. Redis replies it and closes the connection; the
   * parser ignores everything fed afterwards.
   */
  error: string | null;
}

// ---------------------------------------------------------------- inline split

/** C isspace() in the C locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexVal(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/**
 * Redis's argument splitter (sdssplitargs) over a byte string: used for inline
 * commands. Returns null for unbalanced quotes or a closing quote that is not
 * followed by a space. A NUL byte ends the input, as in C.
 * (src/cli/split.ts implements the same language with a nearley grammar; the
 * tests check that both agree.)
 */
export function splitInlineArgs(line: string): string[] | null {
  const nul = line.indexOf('\0');
  const n = nul >= 0 ? nul : line.length;
  const out: string[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = p < n ? line.charCodeAt(p) : 0;
      if (inq) {
        if (c === 0x5c && p + 3 < n && line.charCodeAt(p + 1) === 0x78 && isHex(line.charCodeAt(p + 2)) && isHex(line.charCodeAt(p + 3))) {
          cur += String.fromCharCode(hexVal(line.charCodeAt(p + 2)) * 16 + hexVal(line.charCodeAt(p + 3)));
          p += 4;
          continue;
        }
        if (c === 0x5c && p + 1 < n) {
          const e = line.charCodeAt(p + 1);
          cur += e === 0x6e ? '\n' : e === 0x72 ? '\r' : e === 0x74 ? '\t' : e === 0x62 ? '\b' : e === 0x61 ? '\x07' : line[p + 1];
          p += 2;
          continue;
        }
        if (c === 0x22) {
          // the closing quote must be followed by a space or the end
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        }
        if (p >= n) return null; // unterminated
        cur += line[p++];
      } else if (insq) {
        if (c === 0x5c && p + 1 < n && line.charCodeAt(p + 1) === 0x27) {
          cur += "'";
          p += 2;
          continue;
        }
        if (c === 0x27) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        }
        if (p >= n) return null;
        cur += line[p++];
      } else {
        if (p >= n) break;
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          p++;
          break;
        }
        if (c === 0x22) inq = true;
        else if (c === 0x27) insq = true;
        else cur += line[p];
        p++;
      }
    }
    out.push(cur);
  }
}

// ------------------------------------------------------------ request parsing

/** string2ll over buf[start, end): strict decimal, no '+', no leading zeros. */
function parseLL(buf: Buffer, start: number, end: number): bigint | number | null {
  const len = end - start;
  if (len <= 0 || len >= 21) return null;
  if (len === 1 && buf[start] === 0x30) return 0;
  let p = start;
  let neg = false;
  if (buf[p] === 0x2d) {
    neg = true;
    p++;
    if (p === end) return null;
  }
  if (buf[p] < 0x31 || buf[p] > 0x39) return null;
  let v = 0;
  for (; p < end; p++) {
    const c = buf[p];
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  if (v < 2 ** 53) return neg ? -v : v;
  // Large: decide int64 overflow exactly.
  const big = BigInt(latin1(buf, neg ? start + 1 : start, end));
  if (neg ? big > 9223372036854775808n : big > 9223372036854775807n) return null;
  return neg ? -big : big;
}

/**
 * Index of `byte` at or after `from`, or -1 when it is absent or a NUL comes
 * first (Redis searches the query buffer with strchr).
 */
function findUntilNul(buf: Buffer, from: number, byte: number): number {
  const i = buf.indexOf(byte, from);
  if (i < 0) return -1;
  if (i > from && buf.subarray(from, i).indexOf(0) >= 0) return -1;
  return i;
}

// Request type and step outcomes (plain numbers: hot path, no enum objects).
const REQ_UNKNOWN = 0;
const REQ_INLINE = 1;
const REQ_MULTIBULK = 2;
type Step = 0 | 1 | 2;
const DONE: Step = 0;
const WAIT: Step = 1;
const ERROR: Step = 2;

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks received but not merged yet, while waiting for `need` bytes. */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private need = 0;
  private reqtype = REQ_UNKNOWN;
  private multibulk = 0;
  private bulklen = -1;
  private argv: string[] = [];
  private errorText: string | null = null;
  /** Bytes of an oversized argument (plus CRLF) still to drop; -1 when not dropping. */
  private discard = -1;
  /** Bytes of the oversized argument dropped so far (they count as query buffer, as in Redis). */
  private discarded = 0;
  /** The current command has an oversized argument: it becomes TOO_BIG_ARG. */
  private tooBig = false;
  /** True once a protocol error was reported; further input is ignored. */
  failed = false;
  /** proto-max-bulk-len: longer bulk lengths are a protocol error. */
  maxBulk = MAX_BULK;
  /** authRequired(c): such a client may send at most 10 arguments of at most 16384 bytes. */
  unauthenticated: () => boolean = () => false;
  /**
   * Parsing stopped after one command because the client must still AUTH: the
   * limits of the next command depend on what that one does (Redis parses and
   * runs one command at a time). Feed an empty chunk to go on.
   */
  paused = false;

  /** Bytes received and not consumed by complete commands. */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingLen + this.discarded;
  }

  feed(chunk: Buffer): RequestBatch {
    const commands: string[][] = [];
    this.paused = false;
    if (this.failed) return { commands, error: null };
    if (this.discard >= 0) {
      // Dropping an oversized argument: never buffer it.
      const n = Math.min(this.discard, chunk.length);
      this.discard -= n;
      this.discarded += n;
      if (this.discard > 0) return { commands, error: null };
      this.endDiscard(commands);
      chunk = chunk.subarray(n);
      this.need = 0;
    }
    if (this.buffered + chunk.length < this.need) {
      // Still inside a large bulk argument: merge once, when it is complete.
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
      return { commands, error: null };
    }
    if (this.pendingLen === 0 && this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      const parts = [this.buf.subarray(this.pos), ...this.pending, chunk];
      this.buf = Buffer.concat(parts);
      this.pending = [];
      this.pendingLen = 0;
    }
    this.pos = 0;

    while (this.pos < this.buf.length) {
      if (this.reqtype === REQ_UNKNOWN) {
        this.reqtype = this.buf[this.pos] === 0x2a ? REQ_MULTIBULK : REQ_INLINE;
      }
      const st = this.reqtype === REQ_INLINE ? this.inline() : this.multibulkStep();
      if (st === WAIT) {
        if (this.discard >= 0) {
          // An oversized argument starts here: drop what this chunk holds of it.
          const n = Math.min(this.discard, this.buf.length - this.pos);
          this.discard -= n;
          this.discarded += n;
          this.pos += n;
          if (this.discard === 0) {
            this.endDiscard(commands);
            continue;
          }
          this.buf = EMPTY;
          this.pos = 0;
          this.need = 0;
          return { commands, error: null };
        }
        break;
      }
      if (st === ERROR) {
        this.failed = true;
        this.buf = EMPTY;
        this.pos = 0;
        return { commands, error: this.errorText };
      }
      if (this.tooBig) commands.push(TOO_BIG_ARG);
      else if (this.argv.length > 0) commands.push(this.argv);
      this.argv = [];
      this.tooBig = false;
      this.reqtype = REQ_UNKNOWN;
      this.multibulk = 0;
      this.bulklen = -1;
      if (this.pos < this.buf.length && this.unauthenticated()) { this.paused = true; break; }
    }

    const left = this.buf.length - this.pos;
    this.need = this.paused ? 0 : this.bulklen >= 0 ? this.bulklen + 2 : left + 1;
    if (left === 0) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    return { commands, error: null };
  }

  /** The oversized argument is all dropped: the command goes on (or ends) without it. */
  private endDiscard(commands: string[][]): void {
    this.discard = -1;
    this.discarded = 0;
    this.bulklen = -1;
    if (--this.multibulk > 0) return;
    commands.push(TOO_BIG_ARG);
    this.argv = [];
    this.tooBig = false;
    this.reqtype = REQ_UNKNOWN;
  }

  private fail(text: string): Step {
    this.errorText = text;
    return ERROR;
  }

  private inline(): Step {
    const buf = this.buf;
    const start = this.pos;
    const nl = findUntilNul(buf, start, LF);
    if (nl < 0) {
      if (buf.length - start > INLINE_MAX) return this.fail('ERR Protocol error: too big inline request');
      return WAIT;
    }
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const argv = splitInlineArgs(latin1(buf, start, end));
    if (argv === null) return this.fail('ERR Protocol error: unbalanced quotes in request');
    this.pos = nl + 1;
    this.argv = argv;
    return DONE;
  }

  private multibulkStep(): Step {
    const buf = this.buf;
    const len = buf.length;
    if (this.multibulk === 0) {
      const cr = findUntilNul(buf, this.pos, CR);
      if (cr < 0) {
        if (len - this.pos > INLINE_MAX) return this.fail('ERR Protocol error: too big mbulk count string');
        return WAIT;
      }
      if (cr > len - 2) return WAIT; // the byte after '\r' is not here yet
      const ll = parseLL(buf, this.pos + 1, cr);
      if (ll === null || ll > INT_MAX) return this.fail('ERR Protocol error: invalid multibulk length');
      if (ll > 10 && this.unauthenticated()) return this.fail('ERR Protocol error: unauthenticated multibulk length');
      this.pos = cr + 2;
      if (ll <= 0) return DONE;
      this.multibulk = Number(ll);
    }
    while (this.multibulk > 0) {
      if (this.bulklen === -1) {
        const cr = findUntilNul(buf, this.pos, CR);
        if (cr < 0) {
          if (len - this.pos > INLINE_MAX) return this.fail('ERR Protocol error: too big bulk count string');
          return WAIT;
        }
        if (cr > len - 2) return WAIT;
        if (buf[this.pos] !== 0x24) {
          return this.fail(`ERR Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
        }
        const ll = parseLL(buf, this.pos + 1, cr);
        if (ll === null || ll < 0 || ll > this.maxBulk) return this.fail('ERR Protocol error: invalid bulk length');
        if (ll > 16384 && this.unauthenticated()) return this.fail('ERR Protocol error: unauthenticated bulk length');
        this.pos = cr + 2;
        this.bulklen = Number(ll);
        if (this.bulklen > MAX_JS_STRING) {
          this.tooBig = true;
          this.discard = this.bulklen + 2;
          return WAIT;
        }
      }
      if (len - this.pos < this.bulklen + 2) return WAIT;
      this.argv.push(latin1(buf, this.pos, this.pos + this.bulklen));
      this.pos += this.bulklen + 2;
      this.bulklen = -1;
      this.multibulk--;
    }
    return DONE;
  }
}

// -------------------------------------------------------------- reply parsing

export class ReplyProtocolError extends Error {}

/** Encode argv as a RESP multibulk request (what clients send). */
export function encodeCommand(argv: readonly string[]): Buffer {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return Buffer.from(s, 'latin1');
}

function lineEnd(buf: Buffer, pos: number): number {
  const i = buf.indexOf(CR, pos);
  if (i < 0 || i + 1 >= buf.length) return -1;
  if (buf[i + 1] !== LF) throw new ReplyProtocolError(`expected LF at ${i + 1}`);
  return i;
}

function toInt(s: string): number | bigint {
  if (!/^-?\d+$/.test(s)) throw new ReplyProtocolError(`bad integer '${s}'`);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

function toCount(s: string): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n)) throw new ReplyProtocolError(`bad length '${s}'`);
  return n;
}

function toDouble(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  const n = Number(s);
  if (Number.isNaN(n) || s.trim() !== s || s === '') throw new ReplyProtocolError(`bad double '${s}'`);
  return n;
}

/**
 * Parse one reply starting at `pos`. Returns null when the buffer does not hold
 * the whole reply yet. RESP3 attributes (`|`) are read and dropped.
 */
export function parseReply(buf: Buffer, pos = 0): { reply: Reply; end: number } | null {
  if (pos >= buf.length) return null;
  const type = buf[pos];
  const le = lineEnd(buf, pos + 1);
  if (le < 0) return null;
  const line = latin1(buf, pos + 1, le);
  const next = le + 2;
  const aggregate = (n: number, at: number): { items: Reply[]; end: number } | null => {
    const items: Reply[] = [];
    let p = at;
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, p);
      if (r === null) return null;
      items.push(r.reply);
      p = r.end;
    }
    return { items, end: p };
  };
  const blob = (): { s: string; end: number } | null => {
    const n = toCount(line);
    if (next + n + 2 > buf.length) return null;
    if (buf[next + n] !== CR || buf[next + n + 1] !== LF) throw new ReplyProtocolError('bad bulk terminator');
    return { s: latin1(buf, next, next + n), end: next + n + 2 };
  };
  switch (type) {
    case 0x2b: // +
      return { reply: { t: 'status', v: line }, end: next };
    case 0x2d: // -
      return { reply: { t: 'error', v: line }, end: next };
    case 0x3a: // :
      return { reply: { t: 'int', v: toInt(line) }, end: next };
    case 0x24: { // $
      if (line === '-1') return { reply: { t: 'nil' }, end: next };
      const b = blob();
      return b && { reply: { t: 'bulk', v: b.s }, end: b.end };
    }
    case 0x21: { // ! blob error
      const b = blob();
      return b && { reply: { t: 'error', v: b.s }, end: b.end };
    }
    case 0x3d: { // = verbatim
      const b = blob();
      if (!b) return null;
      if (b.s.length < 4 || b.s[3] !== ':') throw new ReplyProtocolError('bad verbatim string');
      return { reply: { t: 'verbatim', fmt: b.s.slice(0, 3), v: b.s.slice(4) }, end: b.end };
    }
    case 0x2a: // *
    case 0x7e: // ~
    case 0x3e: { // >
      if (type === 0x2a && line === '-1') return { reply: { t: 'nilarray' }, end: next };
      const a = aggregate(toCount(line), next);
      if (!a) return null;
      const t = type === 0x2a ? 'array' : type === 0x7e ? 'set' : 'push';
      return { reply: { t, v: a.items }, end: a.end };
    }
    case 0x25: { // % map
      const a = aggregate(toCount(line) * 2, next);
      if (!a) return null;
      const v: Array<[Reply, Reply]> = [];
      for (let i = 0; i < a.items.length; i += 2) v.push([a.items[i], a.items[i + 1]]);
      return { reply: { t: 'map', v }, end: a.end };
    }
    case 0x7c: { // | attribute: skip it, return the reply it decorates
      const a = aggregate(toCount(line) * 2, next);
      if (!a) return null;
      return parseReply(buf, a.end);
    }
    case 0x2c: // ,
      return { reply: { t: 'double', v: toDouble(line) }, end: next };
    case 0x23: // #
      if (line !== 't' && line !== 'f') throw new ReplyProtocolError(`bad boolean '${line}'`);
      return { reply: { t: 'bool', v: line === 't' }, end: next };
    case 0x5f: // _
      return { reply: { t: 'nil' }, end: next };
    case 0x28: // ( big number
      return { reply: { t: 'bignum', v: line }, end: next };
    default:
      throw new ReplyProtocolError(`unknown reply type byte 0x${type.toString(16)} at ${pos}`);
  }
}

/**
 * Split a buffer into complete replies: decoded values, their raw bytes, and
 * the incomplete remainder.
 */
export function parseReplies(buf: Buffer): { replies: Reply[]; frames: Buffer[]; rest: Buffer } {
  const replies: Reply[] = [];
  const frames: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const r = parseReply(buf, pos);
    if (r === null) break;
    replies.push(r.reply);
    frames.push(buf.subarray(pos, r.end));
    pos = r.end;
  }
  return { replies, frames, rest: buf.subarray(pos) };
}

/** Streaming wrapper around parseReply for socket data. */
export class ReplyParser {
  private buf: Buffer = EMPTY;

  feed(chunk: Buffer): Reply[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const { replies, rest } = parseReplies(this.buf);
    this.buf = rest.length ? Buffer.from(rest) : EMPTY;
    return replies;
  }

  feedFrames(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const { frames, rest } = parseReplies(this.buf);
    this.buf = rest.length ? Buffer.from(rest) : EMPTY;
    return frames.map((f) => Buffer.from(f));
  }
}
