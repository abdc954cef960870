/**
 * Roberto Ierusalimschy's "struct" library as built into Redis (x86-64 Linux:
 * long and size_t are 8 bytes, int 4, short 2, max alignment 8, native order
 * little endian). Integers travel through a 64-bit unsigned long, including
 * the C conversions' out-of-range behaviour, which BigInt reproduces here.
 */
import {
  lua,
  type LuaState,
  argError,
  luaError,
  checkNumber51,
  checkLString51,
  optInteger51,
  toNumber51,
  cString,
  pushBytes,
  bytesToLatin1,
  checkStack51,
  toInt64,
} from './lua-api.js';

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const BIG = 0;
const LITTLE = 1;
const NATIVE = LITTLE;
const U64 = (1n << 64n) - 1n;

interface Header {
  endian: number;
  align: number;
}

/** A cursor over the format C string. */
interface Fmt {
  s: Uint8Array;
  i: number;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isAlnum = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
const ch = (c: string) => c.charCodeAt(0);

function getnum(L: LuaState, f: Fmt, df: number): number {
  if (!isDigit(f.s[f.i])) return df;
  let a = 0;
  do {
    const d = f.s[f.i] - 0x30;
    if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - d) luaError(L, 'integral size overflow');
    a = a * 10 + d;
    f.i++;
  } while (isDigit(f.s[f.i]));
  return a;
}

function optsize(L: LuaState, opt: number, f: Fmt): number {
  switch (String.fromCharCode(opt)) {
    case 'B':
    case 'b':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
    case 'T':
      return 8;
    case 'f':
      return 4;
    case 'd':
      return 8;
    case 'x':
      return 1;
    case 'c':
      return getnum(L, f, 1);
    case 'i':
    case 'I': {
      const sz = getnum(L, f, 4);
      if (sz > MAXINTSIZE) luaError(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default:
      return 0;
  }
}

/** Padding needed before an item of `size` at offset `len` (C arithmetic kept as is). */
function gettoalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === ch('c')) return 0;
  if (size > h.align) size = h.align;
  const m = size - 1;
  // len can exceed 2^32: mask through BigInt only when needed.
  const low = len < 2 ** 31 ? len & m : Number(BigInt(len) & BigInt(m));
  return (size - low) & m;
}

function controloptions(L: LuaState, opt: number, f: Fmt, h: Header): void {
  switch (String.fromCharCode(opt)) {
    case ' ':
      return;
    case '>':
      h.endian = BIG;
      return;
    case '<':
      h.endian = LITTLE;
      return;
    case '!': {
      const a = getnum(L, f, MAXALIGN);
      if (!(a > 0 && (a & (a - 1)) === 0)) luaError(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${String.fromCharCode(opt)}'`);
  }
}

/** The unsigned long a C cast of the double produces (gcc, x86-64). */
function toUlong(n: number): bigint {
  if (n < 0) {
    const i = toInt64(n);
    return BigInt.asUintN(64, BigInt(i));
  }
  if (Number.isNaN(n)) return 1n << 63n;
  if (n < 2 ** 63) return BigInt(Math.trunc(n));
  if (n < 2 ** 64) return BigInt(n);
  return 0n;
}

function putinteger(L: LuaState, out: string[], arg: number, endian: number, size: number): void {
  let value = toUlong(checkNumber51(L, arg));
  const buff: number[] = new Array(size);
  if (endian === LITTLE) {
    for (let i = 0; i < size; i++) {
      buff[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  } else {
    for (let i = size - 1; i >= 0; i--) {
      buff[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  }
  out.push(String.fromCharCode(...buff));
}

function floatBytes(v: number, size: 4 | 8, endian: number): string {
  const dv = new DataView(new ArrayBuffer(size));
  if (size === 4) dv.setFloat32(0, v, endian === LITTLE);
  else dv.setFloat64(0, v, endian === LITTLE);
  return String.fromCharCode(...new Uint8Array(dv.buffer));
}

function bPack(L: LuaState): number {
  const f: Fmt = { s: cString(checkLString51(L, 1)), i: 0 };
  const h: Header = { endian: NATIVE, align: 1 };
  let arg = 2;
  let totalsize = 0;
  const out: string[] = [];
  lua.lua_pushnil(L);
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(L, opt, f);
    let toalign = gettoalign(totalsize, h, opt, size);
    totalsize += toalign;
    while (toalign-- > 0) out.push('\0');
    switch (String.fromCharCode(opt)) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        putinteger(L, out, arg++, h.endian, size);
        break;
      case 'x':
        out.push('\0');
        break;
      case 'f':
        out.push(floatBytes(Math.fround(checkNumber51(L, arg++)), 4, h.endian));
        break;
      case 'd':
        out.push(floatBytes(checkNumber51(L, arg++), 8, h.endian));
        break;
      case 'c':
      case 's': {
        const s = checkLString51(L, arg++);
        if (size === 0) size = s.length;
        // The argument number reported is the next one (as in the C code).
        if (!(s.length >= size)) argError(L, arg, 'string too short');
        out.push(bytesToLatin1(s, 0, size));
        if (opt === ch('s')) {
          out.push('\0');
          size++;
        }
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    totalsize += size;
  }
  pushBytes(L, out.join(''));
  return 1;
}

function getinteger(data: Uint8Array, pos: number, endian: number, issigned: boolean, size: number): number {
  let l = 0n;
  if (endian === BIG) {
    for (let i = 0; i < size; i++) l = ((l << 8n) | BigInt(data[pos + i])) & U64;
  } else {
    for (let i = size - 1; i >= 0; i--) l = ((l << 8n) | BigInt(data[pos + i])) & U64;
  }
  if (!issigned) return Number(l);
  // x86 masks the shift count to 6 bits, which matters for sizes above 8.
  const mask = (U64 << BigInt((size * 8 - 1) & 63)) & U64;
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function bUnpack(L: LuaState): number {
  const h: Header = { endian: NATIVE, align: 1 };
  const f: Fmt = { s: cString(checkLString51(L, 1)), i: 0 };
  const data = checkLString51(L, 2);
  const ld = data.length;
  const pos0 = optInteger51(L, 3, 1);
  if (pos0 === 0) argError(L, 3, 'offset must be 1 or greater');
  // A negative offset is a huge size_t in C: every item then fails the bounds check.
  const wrapped = pos0 < 0;
  let pos = pos0 - 1;
  let n = 0;
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(L, opt, f);
    if (!wrapped) pos += gettoalign(pos, h, opt, size);
    if (wrapped || !(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
    checkStack51(L, 2, 'too many results');
    switch (String.fromCharCode(opt)) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        const issigned = opt >= 0x61;
        lua.lua_pushnumber(L, getinteger(data, pos, h.endian, issigned, size));
        n++;
        break;
      }
      case 'x':
        break;
      case 'f': {
        const dv = new DataView(data.buffer, data.byteOffset + pos, 4);
        lua.lua_pushnumber(L, dv.getFloat32(0, h.endian === LITTLE));
        n++;
        break;
      }
      case 'd': {
        const dv = new DataView(data.buffer, data.byteOffset + pos, 8);
        lua.lua_pushnumber(L, dv.getFloat64(0, h.endian === LITTLE));
        n++;
        break;
      }
      case 'c': {
        if (size === 0) {
          const prev = n === 0 ? null : toNumber51(L, -1);
          if (prev === null) luaError(L, "format 'c0' needs a previous size");
          const sz = toInt64(prev!);
          lua.lua_pop(L, 1);
          n--;
          if (!(sz >= 0 && sz <= ld && pos <= ld - sz)) argError(L, 2, 'data string too short');
          size = sz;
        }
        lua.lua_pushlstring(L, data.subarray(pos, pos + size), size);
        n++;
        break;
      }
      case 's': {
        const e = data.indexOf(0, pos);
        if (e < 0) luaError(L, 'unfinished string in data');
        size = e - pos + 1;
        lua.lua_pushlstring(L, data.subarray(pos, e), size - 1);
        n++;
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function bSize(L: LuaState): number {
  const h: Header = { endian: NATIVE, align: 1 };
  const f: Fmt = { s: cString(checkLString51(L, 1)), i: 0 };
  let pos = 0;
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    const size = optsize(L, opt, f);
    pos += gettoalign(pos, h, opt, size);
    if (opt === ch('s')) argError(L, 1, "option 's' has no fixed size");
    else if (opt === ch('c') && size === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controloptions(L, opt, f, h);
    pos += size;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

export const structFunctions: Record<string, (L: LuaState) => number> = {
  pack: bPack,
  unpack: bUnpack,
  size: bSize,
};

/** Pushes the `struct` module table. */
export function pushStructLib(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of Object.entries(structFunctions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
