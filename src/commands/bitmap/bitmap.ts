/**
 * The bitmap group: SETBIT GETBIT BITCOUNT BITPOS BITOP (Redis 7.0 bitops.c
 * semantics); BITFIELD/BITFIELD_RO live in bitfield.ts. Bit 0 is the most
 * significant bit of byte 0.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { ZERO, ONE, int, err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { rawString } from '../string/enc.js';
import {
  parseBitOffset, lookupForBitWrite, cstr, popcount, popcountByte, bitposIn,
} from './util.js';
import './bitfield.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const MINUS_ONE = int(-1);

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 't' in x;
}

function setByte(s: string, i: number, b: number): string {
  return s.slice(0, i) + String.fromCharCode(b) + s.slice(i + 1);
}

/** BIT|BYTE unit argument (case-insensitive); null on anything else. */
function parseUnit(arg: string): boolean | null {
  const a = cstr(arg).toLowerCase();
  return a === 'bit' ? true : a === 'byte' ? false : null;
}

function setbit(ctx: Ctx, argv: string[]): Reply {
  const off = parseBitOffset(ctx, argv[2]);
  if (isReply(off)) return off;
  const on = parseLongLong(argv[3]);
  if (on === null || (on !== 0n && on !== 1n)) return err('ERR bit is not an integer or out of range');
  const t = lookupForBitWrite(ctx, argv[1], off);
  if (isReply(t)) return t;
  const byte = Math.floor(off / 8);
  const shift = 7 - (off % 8);
  const cur = t.sv.v.charCodeAt(byte);
  const old = (cur >> shift) & 1;
  const want = Number(on);
  if (t.grew || old !== want) {
    t.sv.v = setByte(t.sv.v, byte, want ? cur | (1 << shift) : cur & ~(1 << shift));
    if (t.created) ctx.db.add(argv[1], t.sv);
    else ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.STRING, 'setbit', argv[1]);
  }
  return old ? ONE : ZERO;
}

function getbit(ctx: Ctx, argv: string[]): Reply {
  const off = parseBitOffset(ctx, argv[2]);
  if (isReply(off)) return off;
  const o = ctx.db.lookupRead(argv[1]);
  if (!o) return ZERO;
  if (o.type !== 'string') return err(E.WRONGTYPE);
  const byte = Math.floor(off / 8);
  if (byte >= o.v.length) return ZERO;
  return (o.v.charCodeAt(byte) >> (7 - (off % 8))) & 1 ? ONE : ZERO;
}

/** Range of a BITCOUNT/BITPOS call resolved to bytes, with edge masks in BIT mode. */
interface ByteRange { start: number; end: number; firstMask: number; lastMask: number }

/**
 * Normalise start/end (already parsed) over `len` bytes, in bits when `isBit`:
 * negative indexes count from the end, both are clamped; BIT ranges become byte
 * ranges plus masks of the bits outside the range in the first/last byte.
 */
function resolveRange(s: bigint, e: bigint, len: number, isBit: boolean): ByteRange {
  const total = BigInt(isBit ? len * 8 : len);
  if (s < 0n) s += total;
  if (e < 0n) e += total;
  if (s < 0n) s = 0n;
  if (e < 0n) e = 0n;
  if (e >= total) e = total - 1n;
  let start = Number(s > total ? total : s);
  let end = Number(e);
  let firstMask = 0, lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
    lastMask = (1 << (7 - (end % 8))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

function bitcount(ctx: Ctx, argv: string[]): Reply {
  const o = ctx.db.lookupRead(argv[1]);
  if (!o) return ZERO;
  if (o.type !== 'string') return err(E.WRONGTYPE);
  const s = o.v;
  let r: ByteRange;
  if (argv.length === 4 || argv.length === 5) {
    const a = parseLongLong(argv[2]);
    if (a === null) return err(E.NOT_INT);
    const b = parseLongLong(argv[3]);
    if (b === null) return err(E.NOT_INT);
    if (a < 0n && b < 0n && a > b) return ZERO;
    let isBit = false;
    if (argv.length === 5) {
      const u = parseUnit(argv[4]);
      if (u === null) return err(E.SYNTAX);
      isBit = u;
    }
    r = resolveRange(a, b, s.length, isBit);
  } else if (argv.length === 2) {
    r = { start: 0, end: s.length - 1, firstMask: 0, lastMask: 0 };
  } else return err(E.SYNTAX);
  if (r.start > r.end) return ZERO;
  let n = popcount(s, r.start, r.end + 1);
  if (r.firstMask) n -= popcountByte(s.charCodeAt(r.start) & r.firstMask);
  if (r.lastMask) n -= popcountByte(s.charCodeAt(r.end) & r.lastMask);
  return int(n);
}

function bitpos(ctx: Ctx, argv: string[]): Reply {
  const bitArg = parseLongLong(argv[2]);
  if (bitArg === null) return err(E.NOT_INT);
  if (bitArg !== 0n && bitArg !== 1n) return err('ERR The bit argument must be 1 or 0.');
  const bit = Number(bitArg);
  const o = ctx.db.lookupRead(argv[1]);
  // A missing key is an infinite run of zero bits.
  if (!o) return bit ? MINUS_ONE : ZERO;
  if (o.type !== 'string') return err(E.WRONGTYPE);
  const s = o.v;
  const argc = argv.length;
  let endGiven = false;
  let r: ByteRange;
  if (argc >= 4 && argc <= 6) {
    const a = parseLongLong(argv[3]);
    if (a === null) return err(E.NOT_INT);
    let isBit = false;
    if (argc === 6) {
      const u = parseUnit(argv[5]);
      if (u === null) return err(E.SYNTAX);
      isBit = u;
    }
    let b: bigint;
    if (argc >= 5) {
      const p = parseLongLong(argv[4]);
      if (p === null) return err(E.NOT_INT);
      b = p;
      endGiven = true;
    } else {
      b = BigInt(s.length - 1); // BIT mode needs argc 6, so the end is in bytes here
    }
    r = resolveRange(a, b, s.length, isBit);
  } else if (argc === 3) {
    r = { start: 0, end: s.length - 1, firstMask: 0, lastMask: 0 };
  } else return err(E.SYNTAX);
  if (r.start > r.end) return MINUS_ONE;
  return int(searchRange(s, r, bit, endGiven));
}

/** The BITPOS search over a resolved range, edge bytes masked so outside bits never match. */
function searchRange(s: string, r: ByteRange, bit: number, endGiven: boolean): number {
  const at = (i: number) => s.charCodeAt(i);
  let { start } = r;
  const { end, firstMask, lastMask } = r;
  let bytes = end - start + 1;
  let pos: number;
  // Out-of-range bits are forced to the value we are NOT looking for.
  const masked = (b: number, mask: number) => (bit ? b & ~mask : b | mask) & 0xff;
  done: {
    if (firstMask) {
      let b = masked(at(start), firstMask);
      if (lastMask && bytes === 1) b = masked(b, lastMask);
      pos = bitposIn(() => b, 0, 1, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break done;
      start++;
      bytes--;
    }
    const whole = bytes - (lastMask ? 1 : 0);
    if (whole > 0) {
      pos = bitposIn(at, start, whole, bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break done;
      start += whole;
      bytes -= whole;
    }
    const last = masked(at(end), lastMask);
    pos = bitposIn(() => last, 0, 1, bit);
  }
  // With an explicit end the bits right of the range are not zero padding.
  if (endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + start * 8;
}

type BitOp = 'and' | 'or' | 'xor' | 'not';

function bitop(ctx: Ctx, argv: string[]): Reply {
  const name = cstr(argv[1]).toLowerCase();
  if (name !== 'and' && name !== 'or' && name !== 'xor' && name !== 'not') return err(E.SYNTAX);
  const op = name as BitOp;
  if (op === 'not' && argv.length !== 4) return err('ERR BITOP NOT must be called with a single source key.');
  const srcs: string[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = ctx.db.lookupRead(argv[j]);
    if (!o) { srcs.push(''); continue; }
    if (o.type !== 'string') return err(E.WRONGTYPE);
    srcs.push(o.v);
    if (o.v.length > maxlen) maxlen = o.v.length;
  }
  const dest = argv[2];
  if (maxlen === 0) {
    if (ctx.db.delete(dest)) notify(ctx, NOTIFY.GENERIC, 'del', dest);
    return ZERO;
  }
  const res = Buffer.alloc(maxlen); // zero filled: missing bytes of a source read as 0
  res.write(srcs[0], 'latin1');
  if (op === 'not') {
    for (let i = 0; i < maxlen; i++) res[i] = ~res[i] & 0xff;
  } else {
    for (let k = 1; k < srcs.length; k++) {
      const src = srcs[k];
      const n = src.length;
      if (op === 'and') {
        for (let i = 0; i < n; i++) res[i] &= src.charCodeAt(i);
        res.fill(0, n);
      } else if (op === 'or') {
        for (let i = 0; i < n; i++) res[i] |= src.charCodeAt(i);
      } else {
        for (let i = 0; i < n; i++) res[i] ^= src.charCodeAt(i);
      }
    }
  }
  ctx.db.set(dest, rawString(res.toString('latin1')));
  notify(ctx, NOTIFY.STRING, 'set', dest);
  return int(maxlen);
}

registerAll({ setbit, getbit, bitcount, bitpos, bitop });
