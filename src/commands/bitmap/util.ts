/**
 * Shared pieces of the bitmap commands (bitmap.ts, bitfield.ts): bit-offset
 * parsing with Redis's limits, the write lookup that creates/grows the string,
 * popcount and first-bit search over byte strings.
 */
import type { Ctx } from '../../context.js';
import type { StringValue } from '../../keyspace/values.js';
import { err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { rawString } from '../string/enc.js';
import { cstr } from '../../util/bytes.js';
export { cstr };

export const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';


/**
 * A bit offset argument (GETBIT/SETBIT, BITFIELD with `hashBits` > 0 accepting
 * "#N" = N * hashBits). Negative offsets and offsets whose byte index reaches
 * proto-max-bulk-len are rejected.
 */
export function parseBitOffset(ctx: Ctx, arg: string, hashBits = 0): number | Reply {
  const useHash = hashBits > 0 && arg.charCodeAt(0) === 0x23; // '#'
  const n = parseLongLong(useHash ? arg.slice(1) : arg);
  if (n === null) return err(ERR_BIT_OFFSET);
  // The multiplication is done on a C long long: it wraps.
  const off = useHash ? BigInt.asIntN(64, n * BigInt(hashBits)) : n;
  if (off < 0n || (off >> 3n) >= BigInt(ctx.server.config.getNumber('proto-max-bulk-len'))) {
    return err(ERR_BIT_OFFSET);
  }
  return Number(off);
}

/** Result of lookupForBitWrite: the value (already grown) and whether the length changed or it is new. */
export interface BitTarget { sv: StringValue; created: boolean; grew: boolean }

/**
 * Redis's lookupStringForBitCommand: find the string for writing, padding it with
 * zero bytes so bit `maxBit` is addressable. A missing key gets a new raw value
 * that is NOT yet stored (the caller stores it: Redis adds it without signalling
 * and signals only on a real change). An existing value becomes raw-encoded and is
 * grown in place; its TTL is kept.
 */
export function lookupForBitWrite(ctx: Ctx, key: string, maxBit: number): BitTarget | Reply {
  const o = ctx.db.lookupWrite(key);
  if (o && o.type !== 'string') return err(E.WRONGTYPE);
  const need = Math.floor(maxBit / 8) + 1;
  if (!o) return { sv: rawString('\0'.repeat(need)), created: true, grew: true };
  o.raw = true; // dbUnshareStringValue: always a private raw sds afterwards
  let grew = false;
  if (o.v.length < need) { o.v += '\0'.repeat(need - o.v.length); grew = true; }
  return { sv: o, created: false, grew };
}

/**
 * Store a value created by lookupForBitWrite. `signal` false mirrors Redis's
 * bare dbAdd (no WATCH signal) used when the command then changed nothing.
 */
export function storeCreated(ctx: Ctx, key: string, sv: StringValue, signal: boolean): void {
  if (signal) { ctx.db.add(key, sv); return; }
  // e.g. BITFIELD ... OVERFLOW FAIL creating the key does not dirty WATCHers in Redis.
  ctx.db.addUnsignalled(key, sv);
}

const POP8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + POP8[i >> 1];

/** Number of set bits in bytes [from, to) of a byte string. */
export function popcount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += POP8[s.charCodeAt(i)];
  return n;
}

export function popcountByte(b: number): number { return POP8[b & 0xff]; }

/**
 * Redis's redisBitpos over `count` bytes starting at byte `from`, where byte i is
 * given by `at(i)`: the position of the first `bit`, relative to `from`. Looking
 * for 0 in all-ones data gives count*8 (the data is taken as zero padded);
 * looking for 1 in all-zero data gives -1.
 */
export function bitposIn(at: (i: number) => number, from: number, count: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = at(from + i);
    if (b !== skip) {
      for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
    }
  }
  return bit ? -1 : count * 8;
}
