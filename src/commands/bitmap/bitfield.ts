/**
 * BITFIELD / BITFIELD_RO: GET/SET/INCRBY on i1..i64 / u1..u63 fields with
 * OVERFLOW WRAP|SAT|FAIL, following Redis 7.0's bitfieldGeneric. All field math
 * is done on BigInt with C's 64-bit wrap-around where Redis relies on it.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { NIL, int, array, err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { parseBitOffset, lookupForBitWrite, storeCreated, cstr } from './util.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const ERR_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

type Overflow = 'wrap' | 'sat' | 'fail';
interface Op { kind: 'get' | 'set' | 'incrby'; signed: boolean; bits: number; offset: number; value: bigint; ow: Overflow }

const INT64_MAX = (1n << 63n) - 1n;

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 't' in x;
}

/** "i<1..64>" or "u<1..63>" (the sign letter is case-sensitive). */
function parseType(arg: string): { signed: boolean; bits: number } | null {
  const c = arg.charCodeAt(0);
  if (c !== 0x69 && c !== 0x75) return null; // 'i' / 'u'
  const signed = c === 0x69;
  const n = parseLongLong(cstr(arg.slice(1)));
  if (n === null || n < 1n || n > (signed ? 64n : 63n)) return null;
  return { signed, bits: Number(n) };
}

function getUnsigned(buf: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const byte = buf[Math.floor(offset / 8)] ?? 0;
    v = (v << 1n) | BigInt((byte >> (7 - (offset % 8))) & 1);
  }
  return v;
}

function getSigned(buf: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsigned(buf, offset, bits));
}

/** Write the low `bits` bits of `value` (two's complement for negatives) at `offset`. */
function setBits(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(64, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((u >> BigInt(bits - 1 - j)) & 1n);
    const i = Math.floor(offset / 8);
    const sh = 7 - (offset % 8);
    buf[i] = (buf[i] & ~(1 << sh)) | (bit << sh);
  }
}

/**
 * checkUnsignedBitfieldOverflow: `value` is a uint64, `incr` an int64. Returns
 * whether it overflows and the WRAP/SAT replacement value.
 */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): { over: boolean; limit: bigint } {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  const wrap = () => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { over: true, limit: ow === 'wrap' ? wrap() : max };
  }
  if (incr < 0n && incr < minincr) return { over: true, limit: ow === 'wrap' ? wrap() : 0n };
  return { over: false, limit: 0n };
}

/** checkSignedBitfieldOverflow with int64 `value` and `incr`. */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): { over: boolean; limit: bigint } {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  // Redis computes these on int64 and may wrap; it only relies on them when they do not.
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  const wrap = () => BigInt.asIntN(bits, BigInt.asUintN(64, value + incr));
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { over: true, limit: ow === 'wrap' ? wrap() : max };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { over: true, limit: ow === 'wrap' ? wrap() : min };
  }
  return { over: false, limit: 0n };
}

function intReply(v: bigint): Reply {
  return int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

/** Parse every subcommand first: any error aborts before the key is looked up. */
function parseOps(ctx: Ctx, argv: string[]): { ops: Op[]; readonly: boolean; highest: number } | Reply {
  const ops: Op[] = [];
  let ow: Overflow = 'wrap';
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = cstr(argv[j]).toLowerCase();
    let kind: Op['kind'];
    if (sub === 'get' && rem >= 2) kind = 'get';
    else if (sub === 'set' && rem >= 3) kind = 'set';
    else if (sub === 'incrby' && rem >= 3) kind = 'incrby';
    else if (sub === 'overflow' && rem >= 1) {
      const t = cstr(argv[++j]).toLowerCase();
      if (t === 'wrap' || t === 'sat' || t === 'fail') ow = t;
      else return err('ERR Invalid OVERFLOW type specified');
      continue;
    } else return err(E.SYNTAX);
    const type = parseType(argv[j + 1]);
    if (!type) return err(ERR_TYPE);
    const offset = parseBitOffset(ctx, argv[j + 2], type.bits);
    if (isReply(offset)) return offset;
    let value = 0n;
    if (kind !== 'get') {
      readonly = false;
      highest = Math.max(highest, offset + type.bits - 1);
      const v = parseLongLong(argv[j + 3]);
      if (v === null) return err(E.NOT_INT);
      value = v;
    }
    ops.push({ kind, signed: type.signed, bits: type.bits, offset, value, ow });
    j += kind === 'get' ? 2 : 3;
  }
  return { ops, readonly, highest };
}

/** GET reads zero past the end of the string (Redis copies up to 9 bytes, zero padded). */
function readField(buf: Uint8Array, op: Op): Reply {
  return intReply(op.signed ? getSigned(buf, op.offset, op.bits) : getUnsigned(buf, op.offset, op.bits));
}

/** The (up to) 9 bytes holding a field of at most 64 bits starting at op.offset, zero padded. */
function window9(s: string, op: Op): Uint8Array {
  const w = new Uint8Array(9);
  const from = Math.floor(op.offset / 8);
  for (let i = 0; i < 9 && from + i < s.length; i++) w[i] = s.charCodeAt(from + i);
  return w;
}

function bitfieldGeneric(ctx: Ctx, argv: string[], readonlyCmd: boolean): Reply {
  const parsed = parseOps(ctx, argv);
  if (isReply(parsed)) return parsed;
  const { ops } = parsed;
  const key = argv[1];
  if (parsed.readonly) {
    const o = ctx.db.lookupRead(key);
    if (o && o.type !== 'string') return err(E.WRONGTYPE);
    const s = o ? o.v : '';
    return array(ops.map((op) => readField(window9(s, op), { ...op, offset: op.offset % 8 })));
  }
  if (readonlyCmd) return err('ERR BITFIELD_RO only supports the GET subcommand');
  const t = lookupForBitWrite(ctx, key, parsed.highest);
  if (isReply(t)) return t;
  const buf = Buffer.from(t.sv.v, 'latin1');
  const out: Reply[] = [];
  let changes = 0;
  for (const op of ops) {
    if (op.kind === 'get') { out.push(readField(buf, op)); continue; }
    let oldval: bigint, newval: bigint, retval: bigint, o: { over: boolean; limit: bigint };
    if (op.signed) {
      oldval = getSigned(buf, op.offset, op.bits);
      if (op.kind === 'incrby') {
        o = signedOverflow(oldval, op.value, op.bits, op.ow);
        newval = o.over ? o.limit : oldval + op.value;
        retval = newval;
      } else {
        o = signedOverflow(op.value, 0n, op.bits, op.ow);
        newval = o.over ? o.limit : op.value;
        retval = oldval;
      }
    } else {
      oldval = getUnsigned(buf, op.offset, op.bits);
      if (op.kind === 'incrby') {
        o = unsignedOverflow(oldval, op.value, op.bits, op.ow);
        newval = o.over ? o.limit : BigInt.asUintN(64, oldval + op.value);
        retval = newval;
      } else {
        const v = BigInt.asUintN(64, op.value);
        o = unsignedOverflow(v, 0n, op.bits, op.ow);
        newval = o.over ? o.limit : v;
        retval = oldval;
      }
      // Redis replies with the uint64 cast to long long.
      retval = BigInt.asIntN(64, retval);
    }
    if (o.over && op.ow === 'fail') { out.push(NIL); continue; }
    out.push(intReply(retval));
    setBits(buf, op.offset, op.bits, newval);
    if (t.grew || oldval !== newval) changes++;
  }
  t.sv.v = buf.toString('latin1');
  if (t.created) storeCreated(ctx, key, t.sv, changes > 0);
  else if (changes > 0) ctx.db.touch(key);
  if (changes > 0) notify(ctx, NOTIFY.STRING, 'setbit', key);
  return array(out);
}

registerAll({
  bitfield(ctx, argv) { return bitfieldGeneric(ctx, argv, false); },
  bitfield_ro(ctx, argv) { return bitfieldGeneric(ctx, argv, true); },
});
