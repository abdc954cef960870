/**
 * Lua 5.1 string library functions as Redis 7.0.15 runs them (lstrlib.c of
 * 5.1.5): pattern matching (find, match, gmatch, gsub) and the byte-level
 * helpers. Replaces fengari's 5.3 versions, whose patterns differ (%g, the
 * "pattern too complex" limit, gsub's `%x` replacement rule, init clamping,
 * error texts).
 *
 * Everything works on the Uint8Array fengari keeps for each Lua string. C
 * quirks that scripts can observe are kept on purpose: a pattern ends at its
 * first NUL byte, the subject reads as NUL one past its end (for %b and %f),
 * a trailing '%' in a gsub replacement inserts a NUL byte, and character
 * classes follow the C locale.
 */
import { yieldableCFunction } from '../coroutines.js';
import { lua, lauxlib, internals, LuaState, LuaCFunction, lstr, raiseError } from '../lua-util.js';
import { toInteger51, toInt51 } from './numbers.js';

const { LUA_TNUMBER, LUA_TSTRING, LUA_TFUNCTION, LUA_TTABLE, LUA_TNIL } = lua;

/** Largest string a library function may build; past it we raise "not enough memory" like a failed allocation. */
export const MAX_STRING_BYTES = 512 * 1024 * 1024;

/** LUAI_MAXCSTACK: the stack slots a C function may use. */
export const MAX_C_STACK = 8000;

/** LUA_MAXCAPTURES. */
const MAX_CAPTURES = 32;

/* ---------------- argument helpers (5.1 lauxlib conversions) ---------------- */

export function argError(L: LuaState, arg: number, msg: string): never {
  lauxlib.luaL_argerror(L, arg, lstr(msg));
  throw new Error('unreachable');
}

/** luaL_checkinteger: lua_Integer (64-bit cast) of a number argument. */
export const checkInteger = (L: LuaState, i: number): number => toInteger51(lauxlib.luaL_checknumber(L, i));
export const optInteger = (L: LuaState, i: number, d: number): number =>
  lua.lua_isnoneornil(L, i) ? d : checkInteger(L, i);
/** luaL_checkint: the int cast of the lua_Integer. */
export const checkInt = (L: LuaState, i: number): number => toInt51(lauxlib.luaL_checknumber(L, i));
export const optInt = (L: LuaState, i: number, d: number): number =>
  lua.lua_isnoneornil(L, i) ? d : checkInt(L, i);

const checkString = (L: LuaState, i: number): Uint8Array => lauxlib.luaL_checklstring(L, i);

/** 5.1 lua_checkstack as C functions see it: the whole frame may hold at most LUAI_MAXCSTACK slots. */
export function checkStack51(L: LuaState, n: number): boolean {
  if (n > MAX_C_STACK || lua.lua_gettop(L) + n > MAX_C_STACK) return false;
  return n <= 0 || lua.lua_checkstack(L, n);
}

/** Push a freshly built byte array as a Lua string, without another copy. */
export function pushOwned(L: LuaState, u: Uint8Array): void {
  internals.lobject.pushsvalue2s(L, internals.lstring.luaS_bless(L, u));
}

/** Growable byte buffer (luaL_Buffer's role). */
export class ByteBuf {
  private buf: Uint8Array;
  n = 0;
  constructor(private readonly L: LuaState, hint = 64) { this.buf = new Uint8Array(Math.max(16, hint)); }
  private room(extra: number): void {
    const need = this.n + extra;
    if (need <= this.buf.length) return;
    if (need > MAX_STRING_BYTES) raiseError(this.L, 'not enough memory');
    const next = new Uint8Array(Math.min(MAX_STRING_BYTES, Math.max(need, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  byte(c: number): void {
    if (this.n === this.buf.length) this.room(1);
    this.buf[this.n++] = c;
  }
  bytes(u: Uint8Array, from = 0, to = u.length): void {
    const len = to - from;
    if (len <= 0) return;
    this.room(len);
    if (len < 16) {
      for (let i = from; i < to; i++) this.buf[this.n++] = u[i];
    } else {
      this.buf.set(u.subarray(from, to), this.n);
      this.n += len;
    }
  }
  ascii(t: string): void {
    this.room(t.length);
    for (let i = 0; i < t.length; i++) this.buf[this.n++] = t.charCodeAt(i);
  }
  push(): void { pushOwned(this.L, this.buf.slice(0, this.n)); }
}

/* ---------------- C locale character classes ---------------- */

const ALPHA = 1, CNTRL = 2, DIGIT = 4, LOWER = 8, PUNCT = 16, SPACE = 32, UPPER = 64, XDIGIT = 128;
const CTYPE = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  let f = 0;
  if (c >= 65 && c <= 90) f |= ALPHA | UPPER;
  if (c >= 97 && c <= 122) f |= ALPHA | LOWER;
  if (c >= 48 && c <= 57) f |= DIGIT | XDIGIT;
  if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) f |= XDIGIT;
  if (c < 32 || c === 127) f |= CNTRL;
  if (c === 32 || (c >= 9 && c <= 13)) f |= SPACE;
  if (c > 32 && c < 127 && !(f & (ALPHA | DIGIT))) f |= PUNCT;
  CTYPE[c] = f;
}
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Class letter (lower case) -> CTYPE mask; 'z' is handled apart. */
const CLASS_MASK: Record<number, number> = {
  97: ALPHA, 99: CNTRL, 100: DIGIT, 108: LOWER, 112: PUNCT, 115: SPACE, 117: UPPER, 119: ALPHA | DIGIT, 120: XDIGIT,
};

/** Does byte c belong to class letter cl (%a, %A, ...)? Other letters stand for themselves. */
function matchClass(c: number, cl: number): boolean {
  const lower = cl >= 65 && cl <= 90 ? cl + 32 : cl;
  let res: boolean;
  if (lower === 122) res = c === 0;
  else {
    const mask = CLASS_MASK[lower];
    if (mask === undefined) return cl === c;
    res = (CTYPE[c] & mask) !== 0;
  }
  return cl >= 97 ? res : !res;
}

/* ---------------- the matcher ---------------- */

const ESC = 37; // '%'
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
/** Bytes that make find() use the matcher instead of a plain search. */
const SPECIALS = new Set([...'^$*+?.([%-'].map((ch) => ch.charCodeAt(0)));

/** Length of a C string view of u (up to the first NUL). */
function cLength(u: Uint8Array): number {
  const z = u.indexOf(0);
  return z < 0 ? u.length : z;
}

/** One pattern match over subject s; indexes are byte offsets, -1 is "no match". */
class Matcher {
  level = 0;
  readonly capStart = new Int32Array(MAX_CAPTURES);
  readonly capLen = new Int32Array(MAX_CAPTURES);
  readonly pend: number;

  constructor(readonly L: LuaState, readonly s: Uint8Array, readonly p: Uint8Array) {
    this.pend = cLength(p);
  }

  /** Pattern byte, NUL past the pattern's end. */
  private pc(i: number): number { return i < this.pend ? this.p[i] : 0; }
  /** Subject byte, NUL at (or past) the end. */
  private sc(i: number): number { return i < this.s.length ? this.s[i] : 0; }

  /** Index just past the single-char class starting at pi. */
  private classEnd(pi: number): number {
    const c = this.pc(pi++);
    if (c === ESC) {
      if (this.pc(pi) === 0) raiseError(this.L, "malformed pattern (ends with '%')");
      return pi + 1;
    }
    if (c === 91 /* [ */) {
      if (this.pc(pi) === 94 /* ^ */) pi++;
      // the first byte of the set is taken literally, so "[]]" is a set holding ']'
      do {
        if (this.pc(pi) === 0) raiseError(this.L, "malformed pattern (missing ']')");
        const b = this.pc(pi++);
        if (b === ESC && this.pc(pi) !== 0) pi++;
      } while (this.pc(pi) !== 93 /* ] */);
      return pi + 1;
    }
    return pi;
  }

  /** Set [...] from '[' at pi to ']' at close. */
  private inSet(c: number, pi: number, close: number): boolean {
    let want = true;
    if (this.pc(pi + 1) === 94) { want = false; pi++; }
    while (++pi < close) {
      const b = this.pc(pi);
      if (b === ESC) {
        pi++;
        if (matchClass(c, this.pc(pi))) return want;
      } else if (this.pc(pi + 1) === 45 /* - */ && pi + 2 < close) {
        pi += 2;
        if (b <= c && c <= this.pc(pi)) return want;
      } else if (b === c) return want;
    }
    return !want;
  }

  private single(c: number, pi: number, ep: number): boolean {
    const b = this.pc(pi);
    if (b === 46 /* . */) return true;
    if (b === ESC) return matchClass(c, this.pc(pi + 1));
    if (b === 91) return this.inSet(c, pi, ep - 1);
    return b === c;
  }

  private balance(si: number, pi: number): number {
    const open = this.pc(pi);
    const close = this.pc(pi + 1);
    if (open === 0 || close === 0) raiseError(this.L, 'unbalanced pattern');
    if (this.sc(si) !== open) return -1;
    const s = this.s;
    let depth = 1;
    while (++si < s.length) {
      const c = s[si];
      if (c === close) {
        if (--depth === 0) return si + 1;
      } else if (c === open) depth++;
    }
    return -1;
  }

  private maxExpand(si: number, pi: number, ep: number): number {
    const s = this.s;
    let n = 0;
    while (si + n < s.length && this.single(s[si + n], pi, ep)) n++;
    for (; n >= 0; n--) {
      const r = this.match(si + n, ep + 1);
      if (r >= 0) return r;
    }
    return -1;
  }

  private minExpand(si: number, pi: number, ep: number): number {
    for (;;) {
      const r = this.match(si, ep + 1);
      if (r >= 0) return r;
      if (si < this.s.length && this.single(this.s[si], pi, ep)) si++;
      else return -1;
    }
  }

  private openCapture(si: number, pi: number, what: number): number {
    const lv = this.level;
    if (lv >= MAX_CAPTURES) raiseError(this.L, 'too many captures');
    this.capStart[lv] = si;
    this.capLen[lv] = what;
    this.level = lv + 1;
    const r = this.match(si, pi);
    if (r < 0) this.level--;
    return r;
  }

  private closeCapture(si: number, pi: number): number {
    let lv = this.level - 1;
    while (lv >= 0 && this.capLen[lv] !== CAP_UNFINISHED) lv--;
    if (lv < 0) raiseError(this.L, 'invalid pattern capture');
    this.capLen[lv] = si - this.capStart[lv];
    const r = this.match(si, pi);
    if (r < 0) this.capLen[lv] = CAP_UNFINISHED;
    return r;
  }

  /** %1..%9 inside a pattern: the text of an earlier closed capture. */
  private backref(si: number, digit: number): number {
    const k = digit - 49;
    if (k < 0 || k >= this.level || this.capLen[k] === CAP_UNFINISHED) raiseError(this.L, 'invalid capture index');
    const len = this.capLen[k];
    // a position capture has a negative length, which C reads as a huge size_t: never matches
    if (len < 0 || this.s.length - si < len) return -1;
    const s = this.s;
    const from = this.capStart[k];
    for (let i = 0; i < len; i++) if (s[from + i] !== s[si + i]) return -1;
    return si + len;
  }

  /** Match pattern from pi against subject from si; the end index or -1. */
  match(si: number, pi: number): number {
    for (;;) {
      const c = this.pc(pi);
      switch (c) {
        case 40: /* ( */
          return this.pc(pi + 1) === 41
            ? this.openCapture(si, pi + 2, CAP_POSITION)
            : this.openCapture(si, pi + 1, CAP_UNFINISHED);
        case 41: /* ) */
          return this.closeCapture(si, pi + 1);
        case 0:
          return si;
        case 36: /* $ */
          if (this.pc(pi + 1) === 0) return si === this.s.length ? si : -1;
          break;
        case ESC: {
          const k = this.pc(pi + 1);
          if (k === 98 /* b */) {
            si = this.balance(si, pi + 2);
            if (si < 0) return -1;
            pi += 4;
            continue;
          }
          if (k === 102 /* f */) {
            pi += 2;
            if (this.pc(pi) !== 91) raiseError(this.L, "missing '[' after '%f' in pattern");
            const ep = this.classEnd(pi);
            const prev = si === 0 ? 0 : this.s[si - 1];
            if (this.inSet(prev, pi, ep - 1) || !this.inSet(this.sc(si), pi, ep - 1)) return -1;
            pi = ep;
            continue;
          }
          if (isDigit(k)) {
            si = this.backref(si, k);
            if (si < 0) return -1;
            pi += 2;
            continue;
          }
          break;
        }
        default:
          break;
      }
      // a single-char class, possibly followed by a repetition suffix
      const ep = this.classEnd(pi);
      const m = si < this.s.length && this.single(this.s[si], pi, ep);
      switch (this.pc(ep)) {
        case 63: { /* ? */
          if (m) {
            const r = this.match(si + 1, ep + 1);
            if (r >= 0) return r;
          }
          pi = ep + 1;
          continue;
        }
        case 42: /* * */
          return this.maxExpand(si, pi, ep);
        case 43: /* + */
          return m ? this.maxExpand(si + 1, pi, ep) : -1;
        case 45: /* - */
          return this.minExpand(si, pi, ep);
        default:
          if (!m) return -1;
          si++;
          pi = ep;
      }
    }
  }

  /**
   * Capture i of the last match (s0..e0 is the whole match, s0 < 0 when there
   * is none): a [start, end) range, or a number for a position capture.
   */
  capture(i: number, s0: number, e0: number): [number, number] | number {
    if (i >= this.level) {
      if (i === 0) return [s0, e0];
      raiseError(this.L, 'invalid capture index');
    }
    const len = this.capLen[i];
    if (len === CAP_UNFINISHED) raiseError(this.L, 'unfinished capture');
    if (len === CAP_POSITION) return this.capStart[i] + 1;
    return [this.capStart[i], this.capStart[i] + len];
  }

  pushCapture(i: number, s0: number, e0: number): void {
    const c = this.capture(i, s0, e0);
    if (typeof c === 'number') lua.lua_pushnumber(this.L, c);
    else pushOwned(this.L, this.s.slice(c[0], c[1]));
  }

  /** Push all captures (or the whole match when there are none and s0 >= 0). */
  pushCaptures(s0: number, e0: number): number {
    const n = this.level === 0 && s0 >= 0 ? 1 : this.level;
    if (!checkStack51(this.L, n)) raiseError(this.L, 'stack overflow (too many captures)');
    for (let i = 0; i < n; i++) this.pushCapture(i, s0, e0);
    return n;
  }
}

/* ---------------- find / match / gmatch / gsub ---------------- */

/** 5.1 posrelat: negative positions count from the end; the result is never negative. */
function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

/** Plain substring search from `from`; the index or -1. */
function findPlain(s: Uint8Array, from: number, p: Uint8Array): number {
  const n = p.length;
  if (n === 0) return from;
  if (n > s.length - from) return -1;
  const first = p[0];
  const last = s.length - n;
  let i = from;
  while (i <= last) {
    i = s.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    let k = 1;
    while (k < n && s[i + k] === p[k]) k++;
    if (k === n) return i;
    i++;
  }
  return -1;
}

function hasSpecials(p: Uint8Array): boolean {
  const n = cLength(p);
  for (let i = 0; i < n; i++) if (SPECIALS.has(p[i])) return true;
  return false;
}

function findAux(L: LuaState, find: boolean): number {
  const s = checkString(L, 1);
  const p = checkString(L, 2);
  let init = posrelat(optInteger(L, 3, 1), s.length) - 1;
  if (init < 0) init = 0;
  else if (init > s.length) init = s.length;
  if (find && (lua.lua_toboolean(L, 4) || !hasSpecials(p))) {
    const at = findPlain(s, init, p);
    if (at >= 0) {
      lua.lua_pushnumber(L, at + 1);
      lua.lua_pushnumber(L, at + p.length);
      return 2;
    }
  } else {
    const m = new Matcher(L, s, p);
    const anchor = m.pend > 0 && p[0] === 94;
    const pi = anchor ? 1 : 0;
    let si = init;
    do {
      m.level = 0;
      const e = m.match(si, pi);
      if (e >= 0) {
        if (!find) return m.pushCaptures(si, e);
        lua.lua_pushnumber(L, si + 1);
        lua.lua_pushnumber(L, e);
        return m.pushCaptures(-1, 0) + 2;
      }
    } while (si++ < s.length && !anchor);
  }
  lua.lua_pushnil(L);
  return 1;
}

function gmatch(L: LuaState): number {
  const s = checkString(L, 1);
  const p = checkString(L, 2);
  let pos = 0;
  // the iterator keeps its subject, pattern and position in JS rather than in upvalues
  lua.lua_pushcclosure(L, (L2: LuaState) => {
    const m = new Matcher(L2, s, p);
    for (let si = pos; si <= s.length; si++) {
      m.level = 0;
      const e = m.match(si, 0);
      if (e >= 0) {
        pos = e === si ? e + 1 : e;
        return m.pushCaptures(si, e);
      }
    }
    return 0;
  }, 0);
  return 1;
}

/** Append the replacement string `repl` for the match s0..e0 (gsub's string case). */
function addTemplate(m: Matcher, b: ByteBuf, repl: Uint8Array, s0: number, e0: number): void {
  const n = repl.length;
  for (let i = 0; i < n; i++) {
    const c = repl[i];
    if (c !== ESC) { b.byte(c); continue; }
    i++;
    // C reads the terminating NUL after a trailing '%', and copies it
    const d = i < n ? repl[i] : 0;
    if (!isDigit(d)) b.byte(d);
    else if (d === 48) b.bytes(m.s, s0, e0);
    else {
      const cap = m.capture(d - 49, s0, e0);
      if (typeof cap === 'number') b.ascii(String(cap));
      else b.bytes(m.s, cap[0], cap[1]);
    }
  }
}

// a generator (coroutines.ts): callback and __index calls are yieldable
const gsub = yieldableCFunction(function* gsubBody(L) {
  const src = checkString(L, 1);
  const p = checkString(L, 2);
  const tr = lua.lua_type(L, 3);
  const maxN = optInt(L, 4, (src.length + 1) | 0);
  if (!(tr === LUA_TNUMBER || tr === LUA_TSTRING || tr === LUA_TFUNCTION || tr === LUA_TTABLE)) {
    argError(L, 3, 'string/function/table expected');
  }
  const m = new Matcher(L, src, p);
  const anchor = m.pend > 0 && p[0] === 94;
  const pi = anchor ? 1 : 0;
  const b = new ByteBuf(L, src.length + 16);
  let repl: Uint8Array | null = null;
  let si = 0;
  let n = 0;
  while (n < maxN) {
    m.level = 0;
    const e = m.match(si, pi);
    if (e >= 0) {
      n++;
      if (tr === LUA_TSTRING || tr === LUA_TNUMBER) {
        repl ??= lua.lua_tolstring(L, 3) as Uint8Array;
        addTemplate(m, b, repl, si, e);
      } else {
        if (tr === LUA_TFUNCTION) {
          lua.lua_pushvalue(L, 3);
          const k = m.pushCaptures(si, e);
          yield { nargs: k, nresults: 1 };
        } else {
          m.pushCapture(0, si, e);
          // lua_gettable, with a function __index called yieldably
          lua.lua_pushvalue(L, -1);
          lua.lua_rawget(L, 3);
          if (lua.lua_isnil(L, -1) && lauxlib.luaL_getmetafield(L, 3, lstr('__index')) !== LUA_TNIL) {
            lua.lua_remove(L, -2); // key, __index
            if (lua.lua_type(L, -1) === LUA_TFUNCTION) {
              lua.lua_pushvalue(L, 3);
              lua.lua_pushvalue(L, -3);
              yield { nargs: 2, nresults: 1 };
            } else {
              lua.lua_pushvalue(L, -2);
              lua.lua_gettable(L, -2);
              lua.lua_remove(L, -2);
            }
          }
          lua.lua_remove(L, -2); // the key
        }
        if (!lua.lua_toboolean(L, -1)) {
          b.bytes(src, si, e);
        } else {
          const t = lua.lua_type(L, -1);
          if (t !== LUA_TSTRING && t !== LUA_TNUMBER) {
            raiseError(L, `invalid replacement value (a ${String.fromCharCode(...lauxlib.luaL_typename(L, -1))})`);
          }
          b.bytes(lua.lua_tolstring(L, -1));
        }
        lua.lua_pop(L, 1);
      }
    }
    if (e >= 0 && e > si) si = e;
    else if (si < src.length) b.byte(src[si++]);
    else break;
    if (anchor) break;
  }
  b.bytes(src, si, src.length);
  b.push();
  lua.lua_pushnumber(L, n);
  return 2;
});

/* ---------------- byte-level functions ---------------- */

function strLen(L: LuaState): number {
  lua.lua_pushnumber(L, checkString(L, 1).length);
  return 1;
}

function strSub(L: LuaState): number {
  const s = checkString(L, 1);
  let start = posrelat(checkInteger(L, 2), s.length);
  let end = posrelat(optInteger(L, 3, -1), s.length);
  if (start < 1) start = 1;
  if (end > s.length) end = s.length;
  if (start <= end) pushOwned(L, s.slice(start - 1, end));
  else pushOwned(L, new Uint8Array(0));
  return 1;
}

function strReverse(L: LuaState): number {
  pushOwned(L, checkString(L, 1).slice().reverse());
  return 1;
}

function mapBytes(L: LuaState, lo: number, hi: number, delta: number): number {
  const out = checkString(L, 1).slice();
  for (let i = 0; i < out.length; i++) if (out[i] >= lo && out[i] <= hi) out[i] += delta;
  pushOwned(L, out);
  return 1;
}

function strRep(L: LuaState): number {
  const s = checkString(L, 1);
  const n = checkInt(L, 2);
  if (n <= 0 || s.length === 0) { pushOwned(L, new Uint8Array(0)); return 1; }
  if (s.length * n > MAX_STRING_BYTES) raiseError(L, 'not enough memory');
  const out = new Uint8Array(s.length * n);
  if (s.length === 1) out.fill(s[0]);
  else for (let i = 0, o = 0; i < n; i++, o += s.length) out.set(s, o);
  pushOwned(L, out);
  return 1;
}

function strByte(L: LuaState): number {
  const s = checkString(L, 1);
  let from = posrelat(optInteger(L, 2, 1), s.length);
  let to = posrelat(optInteger(L, 3, from), s.length);
  if (from <= 0) from = 1;
  if (to > s.length) to = s.length;
  if (from > to) return 0;
  const n = to - from + 1;
  if (!checkStack51(L, n)) raiseError(L, 'stack overflow (string slice too long)');
  for (let i = 0; i < n; i++) lua.lua_pushnumber(L, s[from + i - 1]);
  return n;
}

function strChar(L: LuaState): number {
  const n = lua.lua_gettop(L);
  const out = new Uint8Array(n);
  for (let i = 1; i <= n; i++) {
    const c = checkInt(L, i);
    if ((c & 0xff) !== c) argError(L, i, 'invalid value');
    out[i - 1] = c;
  }
  pushOwned(L, out);
  return 1;
}

/** The 5.1 string functions that replace fengari's (format and dump stay elsewhere). */
export const stringFuncs51: Record<string, LuaCFunction> = {
  byte: strByte,
  char: strChar,
  find: (L) => findAux(L, true),
  gmatch,
  gsub,
  len: strLen,
  lower: (L) => mapBytes(L, 65, 90, 32),
  match: (L) => findAux(L, false),
  rep: strRep,
  reverse: strReverse,
  sub: strSub,
  upper: (L) => mapBytes(L, 97, 122, -32),
};
