/**
 * lua-cmsgpack 0.4.0 as embedded in Redis (built against Lua 5.1 on a 64-bit
 * host): Lua numbers that are exact int64 values are packed as the smallest
 * integer encoding, other numbers as float32 when that is exact, else float64.
 * Tables whose keys are exactly 1..n are arrays, other tables maps; tables
 * nested 16 deep are packed as nil.
 */
import {
  lua,
  type LuaState,
  argError,
  luaError,
  checkLString51,
  optInteger51,
  checkInteger51,
  nextKey,
  stackRoom51,
  checkStack51,
  latin1ToBytes,
  bytesToLatin1,
} from './lua-api.js';

const MAX_NESTING = 16;
const TOO_MANY = 'too many return values at once; use unpack_one or unpack_limit instead.';

/* ---------------- encoding ---------------- */

function be(n: number, bytes: number): string {
  let s = '';
  for (let i = bytes - 1; i >= 0; i--) s += String.fromCharCode(Math.floor(n / 2 ** (8 * i)) & 0xff);
  return s;
}

function encodeBytes(s: Uint8Array): string {
  const len = s.length;
  let hdr: string;
  if (len < 32) hdr = String.fromCharCode(0xa0 | len);
  else if (len <= 0xff) hdr = '\xd9' + be(len, 1);
  else if (len <= 0xffff) hdr = '\xda' + be(len, 2);
  else hdr = '\xdb' + be(len, 4);
  return hdr + bytesToLatin1(s);
}

function encodeDouble(d: number): string {
  const f = Math.fround(d);
  if (d === f) {
    const dv = new DataView(new ArrayBuffer(4));
    dv.setFloat32(0, f);
    return '\xca' + String.fromCharCode(...new Uint8Array(dv.buffer));
  }
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, d);
  return '\xcb' + String.fromCharCode(...new Uint8Array(dv.buffer));
}

function int64Bytes(n: number): string {
  const v = BigInt.asUintN(64, BigInt(n));
  let s = '';
  for (let i = 7; i >= 0; i--) s += String.fromCharCode(Number((v >> BigInt(8 * i)) & 0xffn));
  return s;
}

function encodeInt(n: number): string {
  if (n >= 0) {
    if (n <= 127) return String.fromCharCode(n);
    if (n <= 0xff) return '\xcc' + be(n, 1);
    if (n <= 0xffff) return '\xcd' + be(n, 2);
    if (n <= 0xffffffff) return '\xce' + be(n, 4);
    return '\xcf' + int64Bytes(n);
  }
  if (n >= -32) return String.fromCharCode(n & 0xff);
  if (n >= -128) return '\xd0' + String.fromCharCode(n & 0xff);
  if (n >= -32768) return '\xd1' + be(n & 0xffff, 2);
  if (n >= -2147483648) return '\xd2' + be(n >>> 0, 4);
  return '\xd3' + int64Bytes(n);
}

function encodeArrayHeader(n: number): string {
  if (n <= 15) return String.fromCharCode(0x90 | n);
  if (n <= 65535) return '\xdc' + be(n, 2);
  return '\xdd' + be(n, 4);
}

function encodeMapHeader(n: number): string {
  if (n <= 15) return String.fromCharCode(0x80 | n);
  if (n <= 65535) return '\xde' + be(n, 2);
  return '\xdf' + be(n, 4);
}

/** (int64_t)x == x, with x86's INT64_MIN for out-of-range conversions. */
function isInt64Equivalent(x: number): boolean {
  return Number.isFinite(x) && Number.isInteger(x) && x >= -(2 ** 63) && x < 2 ** 63;
}

function isIntEquivalent(x: number): boolean {
  return Number.isInteger(x) && x >= -2147483648 && x <= 2147483647;
}

/** Keys exactly 1..n (counting with 32-bit int keys as in the C code). */
function tableIsAnArray(L: LuaState): boolean {
  let count = 0;
  let max = 0;
  const top = lua.lua_gettop(L);
  checkStack51(L, 2, 'in function table_is_an_array');
  lua.lua_pushnil(L);
  while (nextKey(L, -2)) {
    lua.lua_pop(L, 1);
    let n: number;
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER || (n = lua.lua_tonumber(L, -1)) <= 0 || !isIntEquivalent(n)) {
      lua.lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.lua_settop(L, top);
  return max === count;
}

/** Encodes the value on top of the stack and pops it. */
function encodeValue(L: LuaState, out: string[], level: number): void {
  let t = lua.lua_type(L, -1);
  if (t === lua.LUA_TTABLE && level === MAX_NESTING) t = lua.LUA_TNIL;
  switch (t) {
    case lua.LUA_TSTRING:
      out.push(encodeBytes(lua.lua_tolstring(L, -1)));
      break;
    case lua.LUA_TBOOLEAN:
      out.push(lua.lua_toboolean(L, -1) ? '\xc3' : '\xc2');
      break;
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, -1);
      out.push(isInt64Equivalent(n) ? encodeInt(n + 0) : encodeDouble(n));
      break;
    }
    case lua.LUA_TTABLE:
      if (tableIsAnArray(L)) encodeArray(L, out, level);
      else encodeMap(L, out, level);
      break;
    default:
      out.push('\xc0');
  }
  lua.lua_pop(L, 1);
}

function encodeArray(L: LuaState, out: string[], level: number): void {
  const len = lua.lua_rawlen(L, -1);
  out.push(encodeArrayHeader(len));
  checkStack51(L, 1, 'in function mp_encode_lua_table_as_array');
  for (let j = 1; j <= len; j++) {
    lua.lua_pushnumber(L, j);
    lua.lua_gettable(L, -2);
    encodeValue(L, out, level + 1);
  }
}

function encodeMap(L: LuaState, out: string[], level: number): void {
  let len = 0;
  checkStack51(L, 3, 'in function mp_encode_lua_table_as_map');
  lua.lua_pushnil(L);
  while (nextKey(L, -2)) {
    lua.lua_pop(L, 1);
    len++;
  }
  out.push(encodeMapHeader(len));
  lua.lua_pushnil(L);
  while (nextKey(L, -2)) {
    lua.lua_pushvalue(L, -2);
    encodeValue(L, out, level + 1); // key copy
    encodeValue(L, out, level + 1); // value
  }
}

function mpPack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) return argError(L, 0, 'MessagePack pack needs input.');
  if (!stackRoom51(L, nargs)) return argError(L, 0, 'Too many arguments for MessagePack pack.');
  const out: string[] = [];
  for (let i = 1; i <= nargs; i++) {
    checkStack51(L, 1, 'in function mp_check');
    lua.lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  const s = out.join('');
  lua.lua_pushlstring(L, latin1ToBytes(s), s.length);
  return 1;
}

/* ---------------- decoding ---------------- */

const EOF = 1;
const BADFMT = 2;

class Cursor {
  err = 0;
  constructor(
    readonly b: Uint8Array,
    public p: number,
  ) {}
  get left(): number {
    return this.b.length - this.p;
  }
  need(n: number): boolean {
    if (this.left < n) {
      this.err = EOF;
      return false;
    }
    return true;
  }
  u(i: number): number {
    return this.b[this.p + i];
  }
  beN(from: number, n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.p + from + i];
    return v;
  }
  big64(from: number): bigint {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.b[this.p + from + i]);
    return v;
  }
}

/** An open array/map whose elements are being decoded (iteratively: nesting can reach ~4000). */
interface Frame {
  hash: boolean;
  left: number;
  index: number;
  haveKey: boolean;
  fresh: boolean;
}

function openContainer(L: LuaState, frames: Frame[], hash: boolean, len: number): void {
  lua.lua_newtable(L);
  if (!hash) checkStack51(L, 1, 'in function mp_decode_to_lua_array');
  frames.push({ hash, left: len, index: 1, haveKey: false, fresh: true });
}

/** Decodes one complete value (with everything nested in it) onto the stack. */
function decodeValue(L: LuaState, c: Cursor): void {
  const frames: Frame[] = [];
  for (;;) {
    decodeOne(L, c, frames);
    if (c.err) return;
    for (;;) {
      const f = frames[frames.length - 1];
      if (!f) return;
      if (f.fresh) f.fresh = false;
      else if (f.hash && !f.haveKey) {
        f.haveKey = true;
        break; // now decode the value for this key
      } else {
        lua.lua_settable(L, -3);
        f.haveKey = false;
        f.left--;
      }
      if (f.left > 0) {
        if (!f.hash) lua.lua_pushnumber(L, f.index++);
        break;
      }
      frames.pop(); // the finished table is a value of its parent
    }
  }
}

function pushRaw(L: LuaState, c: Cursor, hdr: number, len: number): void {
  if (!c.need(hdr + len)) return;
  lua.lua_pushlstring(L, c.b.subarray(c.p + hdr, c.p + hdr + len), len);
  c.p += hdr + len;
}

/** Pushes a scalar, or an empty table plus its frame for a container header. */
function decodeOne(L: LuaState, c: Cursor, frames: Frame[]): void {
  if (!c.need(1)) return;
  checkStack51(L, 1, TOO_MANY);
  const b0 = c.u(0);
  switch (b0) {
    case 0xcc:
      if (!c.need(2)) return;
      lua.lua_pushnumber(L, c.u(1));
      c.p += 2;
      return;
    case 0xd0:
      if (!c.need(2)) return;
      lua.lua_pushnumber(L, (c.u(1) << 24) >> 24);
      c.p += 2;
      return;
    case 0xcd:
      if (!c.need(3)) return;
      lua.lua_pushnumber(L, c.beN(1, 2));
      c.p += 3;
      return;
    case 0xd1:
      if (!c.need(3)) return;
      lua.lua_pushnumber(L, (c.beN(1, 2) << 16) >> 16);
      c.p += 3;
      return;
    case 0xce:
      if (!c.need(5)) return;
      lua.lua_pushnumber(L, c.beN(1, 4));
      c.p += 5;
      return;
    case 0xd2:
      if (!c.need(5)) return;
      lua.lua_pushnumber(L, c.beN(1, 4) | 0);
      c.p += 5;
      return;
    case 0xcf: // uint64 goes through a signed lua_Integer
    case 0xd3:
      if (!c.need(9)) return;
      lua.lua_pushnumber(L, Number(BigInt.asIntN(64, c.big64(1))));
      c.p += 9;
      return;
    case 0xc0:
      lua.lua_pushnil(L);
      c.p += 1;
      return;
    case 0xc3:
      lua.lua_pushboolean(L, 1);
      c.p += 1;
      return;
    case 0xc2:
      lua.lua_pushboolean(L, 0);
      c.p += 1;
      return;
    case 0xca: {
      if (!c.need(5)) return;
      const dv = new DataView(c.b.buffer, c.b.byteOffset + c.p + 1, 4);
      lua.lua_pushnumber(L, dv.getFloat32(0));
      c.p += 5;
      return;
    }
    case 0xcb: {
      if (!c.need(9)) return;
      const dv = new DataView(c.b.buffer, c.b.byteOffset + c.p + 1, 8);
      lua.lua_pushnumber(L, dv.getFloat64(0));
      c.p += 9;
      return;
    }
    case 0xd9:
      if (!c.need(2)) return;
      pushRaw(L, c, 2, c.u(1));
      return;
    case 0xda:
      if (!c.need(3)) return;
      pushRaw(L, c, 3, c.beN(1, 2));
      return;
    case 0xdb: {
      if (!c.need(5)) return;
      const l = c.beN(1, 4);
      c.p += 5;
      pushRaw(L, c, 0, l);
      return;
    }
    case 0xdc: {
      if (!c.need(3)) return;
      const l = c.beN(1, 2);
      c.p += 3;
      openContainer(L, frames, false, l);
      return;
    }
    case 0xdd: {
      if (!c.need(5)) return;
      const l = c.beN(1, 4);
      c.p += 5;
      openContainer(L, frames, false, l);
      return;
    }
    case 0xde: {
      if (!c.need(3)) return;
      const l = c.beN(1, 2);
      c.p += 3;
      openContainer(L, frames, true, l);
      return;
    }
    case 0xdf: {
      if (!c.need(5)) return;
      const l = c.beN(1, 4);
      c.p += 5;
      openContainer(L, frames, true, l);
      return;
    }
  }
  if ((b0 & 0x80) === 0) {
    lua.lua_pushnumber(L, b0);
    c.p += 1;
  } else if ((b0 & 0xe0) === 0xe0) {
    lua.lua_pushnumber(L, (b0 << 24) >> 24);
    c.p += 1;
  } else if ((b0 & 0xe0) === 0xa0) {
    pushRaw(L, c, 1, b0 & 0x1f);
  } else if ((b0 & 0xf0) === 0x90) {
    c.p += 1;
    openContainer(L, frames, false, b0 & 0xf);
  } else if ((b0 & 0xf0) === 0x80) {
    c.p += 1;
    openContainer(L, frames, true, b0 & 0xf);
  } else {
    c.err = BADFMT;
  }
}

function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = checkLString51(L, 1);
  const len = s.length;
  const decodeAll = !limit && !offset;
  if (offset < 0 || limit < 0) {
    return luaError(L, `Invalid request to unpack with offset of ${offset | 0} and limit of ${len | 0}.`);
  } else if (offset > len) {
    return luaError(L, `Start offset ${offset | 0} greater than input length ${len | 0}.`);
  }
  if (decodeAll) limit = 2147483647;
  const c = new Cursor(s, offset);
  let cnt = 0;
  for (; c.left > 0 && cnt < limit; cnt++) {
    decodeValue(L, c);
    if (c.err === EOF) return luaError(L, 'Missing bytes in input.');
    if (c.err === BADFMT) return luaError(L, 'Bad data format in input.');
  }
  if (!decodeAll) {
    checkStack51(L, 1, 'in function mp_unpack_full');
    lua.lua_pushnumber(L, c.left === 0 ? -1 : len - c.left);
    lua.lua_insert(L, 2);
    cnt += 1;
  }
  return cnt;
}

function mpUnpack(L: LuaState): number {
  return unpackFull(L, 0, 0);
}

function mpUnpackOne(L: LuaState): number {
  const offset = optInteger51(L, 2, 0);
  lua.lua_pop(L, lua.lua_gettop(L) - 1);
  return unpackFull(L, 1, offset);
}

function mpUnpackLimit(L: LuaState): number {
  const limit = checkInteger51(L, 2);
  const offset = optInteger51(L, 3, 0);
  lua.lua_pop(L, lua.lua_gettop(L) - 1);
  return unpackFull(L, limit, offset);
}

export const cmsgpackFunctions: Record<string, (L: LuaState) => number> = {
  pack: mpPack,
  unpack: mpUnpack,
  unpack_one: mpUnpackOne,
  unpack_limit: mpUnpackLimit,
};

/** Pushes the `cmsgpack` module table. */
export function pushCmsgpackLib(L: LuaState): void {
  lua.lua_newtable(L);
  for (const [name, fn] of Object.entries(cmsgpackFunctions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  const meta: Array<[string, string]> = [
    ['_NAME', 'cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ];
  for (const [k, v] of meta) {
    lua.lua_pushstring(L, v);
    lua.lua_setfield(L, -2, k);
  }
}
