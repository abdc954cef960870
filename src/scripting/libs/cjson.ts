/**
 * Lua CJSON 2.1.0 as embedded in Redis: encode/decode plus the configuration
 * functions, with each module table (cjson and every cjson.new()) holding
 * its own configuration. Numbers print with "%.{precision}g" (default 14),
 * '/' is escaped as "\/", and decoding parses numbers with C strtod.
 */
import {
  lua,
  type LuaState,
  argError,
  luaError,
  checkLString51,
  checkInteger51,
  nextKey,
  stackRoom51,
  formatG,
  strtod,
  typeName,
  bytesToLatin1,
  latin1ToBytes,
  cString,
} from './lua-api.js';

interface Config {
  encodeSparseConvert: number;
  encodeSparseRatio: number;
  encodeSparseSafe: number;
  encodeMaxDepth: number;
  encodeInvalidNumbers: number; // 0 off, 1 on, 2 null
  encodeNumberPrecision: number;
  encodeKeepBuffer: number;
  decodeInvalidNumbers: number;
  decodeMaxDepth: number;
}

function defaultConfig(): Config {
  return {
    encodeSparseConvert: 0,
    encodeSparseRatio: 2,
    encodeSparseSafe: 10,
    encodeMaxDepth: 1000,
    encodeInvalidNumbers: 0,
    encodeNumberPrecision: 14,
    encodeKeepBuffer: 1,
    decodeInvalidNumbers: 1,
    decodeMaxDepth: 1000,
  };
}

type Setting = { get: () => number; set: (v: number) => void };
const setting = (cfg: Config, k: keyof Config): Setting => ({ get: () => cfg[k], set: (v) => (cfg[k] = v) });

/* ---------------- configuration ---------------- */

function argInit(L: LuaState, args: number): void {
  if (!(lua.lua_gettop(L) <= args)) argError(L, args + 1, 'found too many arguments');
  while (lua.lua_gettop(L) < args) lua.lua_pushnil(L);
}

function integerOption(L: LuaState, idx: number, s: Setting, min: number, max: number): number {
  if (!lua.lua_isnil(L, idx)) {
    // luaL_checkinteger gives a lua_Integer; the C code keeps its low 32 bits in an int.
    const value = Number(BigInt.asIntN(32, BigInt(checkInteger51(L, idx))));
    if (!(min <= value && value <= max)) argError(L, 1, `expected integer between ${min} and ${max}`);
    s.set(value);
  }
  lua.lua_pushnumber(L, s.get());
  return 1;
}

function enumOption(L: LuaState, idx: number, s: Setting, options: string[] | null, boolTrue: number): number {
  if (!options) {
    options = ['off', 'on'];
    boolTrue = 1;
  }
  if (!lua.lua_isnil(L, idx)) {
    if (boolTrue && lua.lua_isboolean(L, idx)) s.set(lua.lua_toboolean(L, idx) ? boolTrue : 0);
    else s.set(checkOption(L, idx, options));
  }
  const v = s.get();
  if (boolTrue && (v === 0 || v === boolTrue)) lua.lua_pushboolean(L, v);
  else lua.lua_pushstring(L, options[v]);
  return 1;
}

function checkOption(L: LuaState, idx: number, options: string[]): number {
  const name = bytesToLatin1(cString(checkLString51(L, idx)));
  const i = options.indexOf(name);
  if (i >= 0) return i;
  return argError(L, idx, `invalid option '${name}'`);
}

/* ---------------- encoding ---------------- */

const ESCAPES: (string | null)[] = new Array(256).fill(null);
for (let i = 0; i < 32; i++) ESCAPES[i] = '\\u' + i.toString(16).padStart(4, '0');
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';
ESCAPES[0x22] = '\\"';
ESCAPES[0x2f] = '\\/';
ESCAPES[0x5c] = '\\\\';
ESCAPES[0x7f] = '\\u007f';

function encodeException(L: LuaState, idx: number, reason: string): never {
  return luaError(L, `Cannot serialise ${typeName(L, idx)}: ${reason}`);
}

function appendString(L: LuaState, out: string[], idx: number): void {
  const s: Uint8Array = lua.lua_tolstring(L, idx);
  let r = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const e = ESCAPES[s[i]];
    if (e) {
      if (i > run) r += bytesToLatin1(s, run, i);
      r += e;
      run = i + 1;
    }
  }
  if (s.length > run) r += bytesToLatin1(s, run, s.length);
  out.push(r + '"');
}

/** >0: array length; -1: encode as an object (order of traversal is irrelevant here). */
function arrayLength(L: LuaState, cfg: Config): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (nextKey(L, -2)) {
    if (lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (k && Math.floor(k) === k && k >= 1) {
        // max is a C int: out-of-range keys convert to INT_MIN (x86 cvttsd2si).
        if (k > max) max = k <= 2147483647 ? k : -2147483648;
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.encodeSparseRatio > 0 && max > items * cfg.encodeSparseRatio && max > cfg.encodeSparseSafe) {
    if (!cfg.encodeSparseConvert) encodeException(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

function checkEncodeDepth(L: LuaState, cfg: Config, depth: number): void {
  if (depth <= cfg.encodeMaxDepth && stackRoom51(L, 3)) return;
  luaError(L, `Cannot serialise, excessive nesting (${depth})`);
}

function appendNumber(L: LuaState, cfg: Config, out: string[], idx: number): void {
  const num: number = lua.lua_tonumber(L, idx);
  const invalid = !Number.isFinite(num);
  if (cfg.encodeInvalidNumbers === 0) {
    if (invalid) encodeException(L, idx, 'must not be NaN or Inf');
  } else if (cfg.encodeInvalidNumbers === 1) {
    if (Number.isNaN(num)) {
      out.push('nan');
      return;
    }
  } else if (invalid) {
    out.push('null');
    return;
  }
  out.push(formatG(num, cfg.encodeNumberPrecision));
}

function appendKey(L: LuaState, cfg: Config, out: string[]): void {
  const kt = lua.lua_type(L, -2);
  if (kt === lua.LUA_TNUMBER) {
    out.push('"');
    appendNumber(L, cfg, out, -2);
    out.push('":');
  } else if (kt === lua.LUA_TSTRING) {
    appendString(L, out, -2);
    out.push(':');
  } else {
    encodeException(L, -2, 'table key must be a number or string');
  }
}

/** Appends the non-table value on top of the stack. */
function appendScalar(L: LuaState, cfg: Config, out: string[]): void {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      appendString(L, out, -1);
      return;
    case lua.LUA_TNUMBER:
      appendNumber(L, cfg, out, -1);
      return;
    case lua.LUA_TBOOLEAN:
      out.push(lua.lua_toboolean(L, -1) ? 'true' : 'false');
      return;
    case lua.LUA_TNIL:
      out.push('null');
      return;
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) {
        out.push('null');
        return;
      }
    // falls through
    default:
      encodeException(L, -1, 'type not supported');
  }
}

/** A table being encoded: an array of `len` items (i done so far), or an object (len -1). */
interface EncodeFrame {
  len: number;
  i: number;
}

/**
 * Encodes the value on top of the stack (left there). Nesting is walked with
 * an explicit frame list, not JS recursion, so encode_max_depth can be raised
 * as far as the Lua stack allows (as in C). The Lua stack is used as the C
 * code uses it: per array level the table, per object level table, key, value.
 */
function appendData(L: LuaState, cfg: Config, out: string[]): void {
  const frames: EncodeFrame[] = [];
  for (;;) {
    let pop: boolean;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      checkEncodeDepth(L, cfg, frames.length + 1);
      const len = arrayLength(L, cfg);
      if (len > 0) {
        out.push('[');
      } else {
        out.push('{');
        lua.lua_pushnil(L);
      }
      frames.push({ len, i: 0 });
      pop = false;
    } else {
      appendScalar(L, cfg, out);
      pop = true;
    }
    // Pop the finished value, then fetch the next one, closing completed tables.
    for (;;) {
      const f = frames[frames.length - 1];
      if (!f) return;
      if (pop) lua.lua_pop(L, 1);
      pop = true;
      if (f.len > 0) {
        if (f.i < f.len) {
          if (f.i++ > 0) out.push(',');
          lua.lua_rawgeti(L, -1, f.i);
          break;
        }
        out.push(']');
      } else {
        if (nextKey(L, -2)) {
          if (f.i++ > 0) out.push(',');
          appendKey(L, cfg, out);
          break;
        }
        out.push('}');
      }
      frames.pop();
    }
  }
}

function jsonEncode(L: LuaState, cfg: Config): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const out: string[] = [];
  appendData(L, cfg, out);
  const s = out.join('');
  lua.lua_pushlstring(L, latin1ToBytes(s), s.length);
  return 1;
}

/* ---------------- decoding ---------------- */

const enum T {
  OBJ_BEGIN,
  OBJ_END,
  ARR_BEGIN,
  ARR_END,
  STRING,
  NUMBER,
  BOOLEAN,
  NULL,
  COLON,
  COMMA,
  END,
  WHITESPACE,
  ERROR,
  UNKNOWN,
}
const TOKEN_NAMES = [
  'T_OBJ_BEGIN',
  'T_OBJ_END',
  'T_ARR_BEGIN',
  'T_ARR_END',
  'T_STRING',
  'T_NUMBER',
  'T_BOOLEAN',
  'T_NULL',
  'T_COLON',
  'T_COMMA',
  'T_END',
  'T_WHITESPACE',
  'T_ERROR',
  'T_UNKNOWN',
];

const CH2TOKEN: T[] = new Array(256).fill(T.ERROR);
CH2TOKEN[0x7b] = T.OBJ_BEGIN;
CH2TOKEN[0x7d] = T.OBJ_END;
CH2TOKEN[0x5b] = T.ARR_BEGIN;
CH2TOKEN[0x5d] = T.ARR_END;
CH2TOKEN[0x2c] = T.COMMA;
CH2TOKEN[0x3a] = T.COLON;
CH2TOKEN[0] = T.END;
for (const c of ' \t\n\r') CH2TOKEN[c.charCodeAt(0)] = T.WHITESPACE;
for (const c of 'fiInNt"+-0123456789') CH2TOKEN[c.charCodeAt(0)] = T.UNKNOWN;

const ESCAPE2CHAR: number[] = new Array(256).fill(0);
ESCAPE2CHAR[0x22] = 0x22;
ESCAPE2CHAR[0x5c] = 0x5c;
ESCAPE2CHAR[0x2f] = 0x2f;
ESCAPE2CHAR[0x62] = 8;
ESCAPE2CHAR[0x74] = 9;
ESCAPE2CHAR[0x6e] = 10;
ESCAPE2CHAR[0x66] = 12;
ESCAPE2CHAR[0x72] = 13;
ESCAPE2CHAR[0x75] = 0x75;

interface Parser {
  data: Uint8Array;
  ptr: number;
  cfg: Config;
  depth: number;
}

interface Token {
  type: T;
  index: number;
  str: string; // string value, or the error text for T.ERROR
  num: number;
  bool: boolean;
}

/** Byte at i, with the C string's terminating NUL past the end. */
const at = (p: Parser, i: number): number => (i < p.data.length ? p.data[i] : 0);

function tokenError(tok: Token, p: Parser, what: string): void {
  tok.type = T.ERROR;
  tok.index = p.ptr;
  tok.str = what;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function decodeHex4(p: Parser, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const d = hexDigit(at(p, i + k));
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

function utf8(cp: number): string {
  if (cp <= 0x7f) return String.fromCharCode(cp);
  if (cp <= 0x7ff) return String.fromCharCode((cp >> 6) | 0xc0, (cp & 0x3f) | 0x80);
  if (cp <= 0xffff) return String.fromCharCode((cp >> 12) | 0xe0, ((cp >> 6) & 0x3f) | 0x80, (cp & 0x3f) | 0x80);
  return String.fromCharCode(
    (cp >> 18) | 0xf0,
    ((cp >> 12) & 0x3f) | 0x80,
    ((cp >> 6) & 0x3f) | 0x80,
    (cp & 0x3f) | 0x80,
  );
}

/** At "\uXXXX": returns the UTF-8 bytes and advances, or null on error. */
function unicodeEscape(p: Parser): string | null {
  let cp = decodeHex4(p, p.ptr + 2);
  let escapeLen = 6;
  if (cp < 0) return null;
  if ((cp & 0xf800) === 0xd800) {
    if (cp & 0x400) return null;
    if (at(p, p.ptr + 6) !== 0x5c || at(p, p.ptr + 7) !== 0x75) return null;
    const low = decodeHex4(p, p.ptr + 8);
    if (low < 0 || (low & 0xfc00) !== 0xdc00) return null;
    cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
    escapeLen = 12;
  }
  p.ptr += escapeLen;
  return utf8(cp);
}

function stringToken(p: Parser, tok: Token): void {
  p.ptr++; // opening quote
  const parts: string[] = [];
  let run = p.ptr;
  const flush = () => {
    if (p.ptr > run) parts.push(bytesToLatin1(p.data, run, p.ptr));
  };
  for (;;) {
    const ch = at(p, p.ptr);
    if (ch === 0x22) break;
    if (ch === 0) {
      tokenError(tok, p, 'unexpected end of string');
      return;
    }
    if (ch !== 0x5c) {
      p.ptr++;
      continue;
    }
    flush();
    const esc = ESCAPE2CHAR[at(p, p.ptr + 1)];
    if (esc === 0x75) {
      const u = unicodeEscape(p);
      if (u === null) {
        tokenError(tok, p, 'invalid unicode escape code');
        return;
      }
      parts.push(u);
    } else if (!esc) {
      tokenError(tok, p, 'invalid escape code');
      return;
    } else {
      parts.push(String.fromCharCode(esc));
      p.ptr += 2;
    }
    run = p.ptr;
  }
  flush();
  p.ptr++; // closing quote
  tok.type = T.STRING;
  tok.str = parts.join('');
}

function isInvalidNumber(p: Parser): boolean {
  let i = p.ptr;
  if (at(p, i) === 0x2b) return true;
  if (at(p, i) === 0x2d) i++;
  const c = at(p, i);
  if (c === 0x30) {
    const c2 = at(p, i + 1);
    return (c2 | 0x20) === 0x78 || (c2 >= 0x30 && c2 <= 0x39);
  } else if (c <= 0x39) {
    return false;
  }
  const word = String.fromCharCode(at(p, i), at(p, i + 1), at(p, i + 2)).toLowerCase();
  return word === 'inf' || word === 'nan';
}

function numberToken(p: Parser, tok: Token): void {
  tok.type = T.NUMBER;
  const r = strtod(p.data, p.ptr);
  tok.num = r.value;
  if (r.end === p.ptr) tokenError(tok, p, 'invalid number');
  else p.ptr = r.end;
}

function startsWith(p: Parser, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (at(p, p.ptr + i) !== word.charCodeAt(i)) return false;
  return true;
}

function nextToken(p: Parser, tok: Token): void {
  let ch: number;
  for (;;) {
    ch = at(p, p.ptr);
    tok.type = CH2TOKEN[ch];
    if (tok.type !== T.WHITESPACE) break;
    p.ptr++;
  }
  tok.index = p.ptr;
  if (tok.type === T.ERROR) return tokenError(tok, p, 'invalid token');
  if (tok.type === T.END) return;
  if (tok.type !== T.UNKNOWN) {
    p.ptr++;
    return;
  }
  if (ch === 0x22) return stringToken(p, tok);
  if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
    if (!p.cfg.decodeInvalidNumbers && isInvalidNumber(p)) return tokenError(tok, p, 'invalid number');
    return numberToken(p, tok);
  }
  if (startsWith(p, 'true')) {
    tok.type = T.BOOLEAN;
    tok.bool = true;
    p.ptr += 4;
    return;
  }
  if (startsWith(p, 'false')) {
    tok.type = T.BOOLEAN;
    tok.bool = false;
    p.ptr += 5;
    return;
  }
  if (startsWith(p, 'null')) {
    tok.type = T.NULL;
    p.ptr += 4;
    return;
  }
  if (p.cfg.decodeInvalidNumbers && isInvalidNumber(p)) return numberToken(p, tok);
  tokenError(tok, p, 'invalid token');
}

function parseError(L: LuaState, expected: string, tok: Token): never {
  const found = tok.type === T.ERROR ? tok.str : TOKEN_NAMES[tok.type];
  return luaError(L, `Expected ${expected} but found ${found} at character ${tok.index + 1}`);
}

function descend(L: LuaState, p: Parser, slots: number): void {
  p.depth++;
  if (p.depth <= p.cfg.decodeMaxDepth && stackRoom51(L, slots)) return;
  luaError(L, `Found too many nested data structures (${p.depth}) at character ${p.ptr}`);
}

/** Read through a call: nextToken mutates the token behind TypeScript's narrowing. */
const kind = (tok: Token): T => tok.type;

const newToken = (): Token => ({ type: T.END, index: 0, str: '', num: 0, bool: false });

/** After an object's '{' or ',': reads `"key":` (pushing the key) and the token starting its value. */
function objectKey(L: LuaState, p: Parser, tok: Token): void {
  if (kind(tok) !== T.STRING) parseError(L, 'object key string', tok);
  lua.lua_pushlstring(L, latin1ToBytes(tok.str), tok.str.length);
  nextToken(p, tok);
  if (kind(tok) !== T.COLON) parseError(L, 'colon', tok);
  nextToken(p, tok);
}

/** An open container: an object, or an array with the index of its next item. */
interface DecodeFrame {
  object: boolean;
  index: number;
}

/**
 * Decodes the value starting at `tok` onto the stack. Nesting is tracked with
 * an explicit frame list rather than JS recursion, so decode_max_depth can be
 * raised as far as the Lua stack allows (the C limit); tokens are read and
 * checked in the same order as the recursive C parser.
 */
function processValue(L: LuaState, p: Parser, tok: Token): void {
  const frames: DecodeFrame[] = [];
  for (;;) {
    // Read one value, or open a container and go on to its first item.
    let opened = false;
    switch (tok.type) {
      case T.STRING:
        lua.lua_pushlstring(L, latin1ToBytes(tok.str), tok.str.length);
        break;
      case T.NUMBER:
        lua.lua_pushnumber(L, tok.num);
        break;
      case T.BOOLEAN:
        lua.lua_pushboolean(L, tok.bool);
        break;
      case T.NULL:
        lua.lua_pushlightuserdata(L, null);
        break;
      case T.OBJ_BEGIN:
        descend(L, p, 3);
        lua.lua_newtable(L);
        nextToken(p, tok);
        if (kind(tok) === T.OBJ_END) {
          p.depth--;
          break;
        }
        objectKey(L, p, tok);
        frames.push({ object: true, index: 0 });
        opened = true;
        break;
      case T.ARR_BEGIN:
        descend(L, p, 2);
        lua.lua_newtable(L);
        nextToken(p, tok);
        if (kind(tok) === T.ARR_END) {
          p.depth--;
          break;
        }
        frames.push({ object: false, index: 1 });
        opened = true;
        break;
      default:
        parseError(L, 'value', tok);
    }
    if (opened) continue;
    // A value is complete: store it in its container; close containers that end here.
    for (;;) {
      const f = frames[frames.length - 1];
      if (!f) return;
      if (f.object) lua.lua_rawset(L, -3);
      else lua.lua_rawseti(L, -2, f.index++);
      nextToken(p, tok);
      const end = f.object ? T.OBJ_END : T.ARR_END;
      if (kind(tok) === end) {
        p.depth--;
        frames.pop();
        continue;
      }
      if (kind(tok) !== T.COMMA) parseError(L, f.object ? 'comma or object end' : 'comma or array end', tok);
      nextToken(p, tok);
      if (f.object) objectKey(L, p, tok);
      break;
    }
  }
}

function jsonDecode(L: LuaState, cfg: Config): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const data = checkLString51(L, 1);
  if (data.length >= 2 && (!data[0] || !data[1])) luaError(L, 'JSON parser does not support UTF-16 or UTF-32');
  const p: Parser = { data, ptr: 0, cfg, depth: 0 };
  const tok = newToken();
  nextToken(p, tok);
  processValue(L, p, tok);
  nextToken(p, tok);
  if (tok.type !== T.END) parseError(L, 'the end', tok);
  return 1;
}

/* ---------------- module ---------------- */

/** Pushes a fresh cjson module table (the global one, or what cjson.new() returns). */
export function pushCjsonLib(L: LuaState): number {
  const cfg = defaultConfig();
  const fns: Record<string, (L: LuaState) => number> = {
    encode: (L) => jsonEncode(L, cfg),
    decode: (L) => jsonDecode(L, cfg),
    encode_sparse_array: (L) => {
      argInit(L, 3);
      enumOption(L, 1, setting(cfg, 'encodeSparseConvert'), null, 1);
      integerOption(L, 2, setting(cfg, 'encodeSparseRatio'), 0, 2147483647);
      integerOption(L, 3, setting(cfg, 'encodeSparseSafe'), 0, 2147483647);
      return 3;
    },
    encode_max_depth: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, setting(cfg, 'encodeMaxDepth'), 1, 2147483647);
    },
    decode_max_depth: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, setting(cfg, 'decodeMaxDepth'), 1, 2147483647);
    },
    encode_number_precision: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, setting(cfg, 'encodeNumberPrecision'), 1, 14);
    },
    encode_keep_buffer: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, setting(cfg, 'encodeKeepBuffer'), null, 1);
    },
    encode_invalid_numbers: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, setting(cfg, 'encodeInvalidNumbers'), ['off', 'on', 'null'], 1);
    },
    decode_invalid_numbers: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, setting(cfg, 'decodeInvalidNumbers'), null, 1);
    },
    new: (L) => pushCjsonLib(L),
  };
  lua.lua_newtable(L);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, 'null');
  lua.lua_pushstring(L, 'cjson');
  lua.lua_setfield(L, -2, '_NAME');
  lua.lua_pushstring(L, '2.1.0');
  lua.lua_setfield(L, -2, '_VERSION');
  return 1;
}

