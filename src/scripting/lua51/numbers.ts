/**
 * Lua 5.1 number semantics on top of fengari (Lua 5.3 with 32-bit integers).
 *
 * Seams (all runtime patches on shared fengari objects, applied once):
 *  1. Integer subtype never exists: TValue.prototype gets a `type` accessor
 *     that stores LUA_TNUMINT as LUA_TNUMFLT. Every `new TValue(LUA_TNUMINT, n)`,
 *     setivalue() and lexer integer constant becomes a double, so the VM's
 *     integer fast paths (which wrap at 2^31) are never taken.
 *  2. lobject.luaO_str2num (called through the module object by the lexer,
 *     lvm.tonumber, luaV_tointeger and lua_stringtonumber) parses like 5.1's
 *     luaO_str2d: glibc strtod (hex, inf, nan) with the 0x strtoul fallback.
 *  3. lobject.luaO_tostring (called through the module by lua_tolstring and
 *     the VM's concat) formats with %.14g.
 *  4. lvm.tointeger (called through the module by lua_tointegerx, hence by
 *     luaL_checkinteger/optinteger) truncates any number like the C cast
 *     (lua_Integer)d does in 5.1, instead of failing on non-integral values.
 * Residual gap: the VM's float `%` (luai_nummod, bound locally in lvm.js) is
 * fmod-based; 5.1 computes a - floor(a/b)*b. They differ only for infinite
 * operands and some huge-magnitude operands.
 */
import { internals } from '../lua-util.js';
import { fmtNumber14 } from './cformat.js';
import { isCSpace, strtod as cStrtod } from '../../util/float.js';
import { castInt64, castInt64Num } from '../../util/ccast.js';

export { fmtNumber14 } from './cformat.js';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * glibc strtod on the bytes s[start..] (the caller stops at NUL). Returns the
 * value and the end index; end === start when nothing was converted.
 * "-nan" keeps its sign bit, as on x86-64.
 */
export function strtod(s: ArrayLike<number>, start = 0): { n: number; end: number } {
  const r = cStrtod(s, start);
  return { n: r.value, end: r.end };
}

/** glibc strtoul (base 2..36) on s[start..]: value mod 2^64 and end index. */
export function strtoul(s: ArrayLike<number>, base: number, start = 0): { n: bigint; end: number } {
  let i = start;
  while (i < s.length && isCSpace(s[i])) i++;
  let neg = false;
  if (i < s.length && (s[i] === 43 || s[i] === 45)) { neg = s[i] === 45; i++; }
  if (base === 16 && s[i] === 48 && (s[i + 1] === 120 || s[i + 1] === 88) && digitIn(s[i + 2], 16) >= 0) i += 2;
  let v = 0n;
  let nd = 0;
  let overflow = false;
  const MAX = (1n << 64n) - 1n;
  const B = BigInt(base);
  while (i < s.length) {
    const d = digitIn(s[i], base);
    if (d < 0) break;
    v = v * B + BigInt(d);
    if (v > MAX) overflow = true;
    i++; nd++;
  }
  if (nd === 0) return { n: 0n, end: start };
  if (overflow) return { n: MAX, end: i };
  return { n: neg ? BigInt.asUintN(64, -v) : v, end: i };
}

function digitIn(c: number | undefined, base: number): number {
  if (c === undefined) return -1;
  let d: number;
  if (isDigit(c)) d = c - 48;
  else if (c >= 97 && c <= 122) d = c - 87;
  else if (c >= 65 && c <= 90) d = c - 55;
  else return -1;
  return d < base ? d : -1;
}

/** Length of the C string in s (stops at the first NUL byte). */
function cstrlen(s: ArrayLike<number>): number {
  for (let i = 0; i < s.length; i++) if (s[i] === 0) return i;
  return s.length;
}

/**
 * Lua 5.1 luaO_str2d: strtod, hex fallback through strtoul, trailing spaces
 * allowed. Works on the C string (up to the first NUL). null when invalid.
 */
export function str2number51(s: ArrayLike<number>): number | null {
  const len = cstrlen(s);
  const view = len === s.length ? s : Array.prototype.slice.call(s, 0, len) as number[];
  let { n, end } = strtod(view);
  if (end === 0) return null;
  if (end < len && (view[end] === 120 || view[end] === 88)) {
    const r = strtoul(view, 16);
    n = Number(r.n);
    end = r.end;
  }
  while (end < len && isCSpace(view[end])) end++;
  return end === len ? n : null;
}

/** Byte-string convenience wrapper of str2number51. */
export function bytesToNumber51(s: string): number | null {
  const a = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return str2number51(a);
}

/** Lua 5.1 lua_Integer conversion (ptrdiff_t cast), as a JS number. */
export const toInteger51: (d: number) => number = castInt64Num;

/** Lua 5.1 luaL_checkint conversion: (int)(ptrdiff_t)d, i.e. low 32 bits. */
export function toInt51(d: number): number {
  if (d > -2147483649 && d < 2147483648) return Math.trunc(d) | 0;
  return Number(BigInt.asIntN(32, castInt64(d)));
}

/**
 * normalizeLua51Source renames `goto` used as a variable (a keyword in 5.3)
 * to `goto__N__`; messages naming a variable say `goto` again, as 5.1 would.
 */
export function plainGotoName(name: string): string {
  return /^goto__\d+__$/.test(name) ? 'goto' : name;
}

const TYPEERROR_FMT = 'attempt to %s a %s value%s';
function sameText(u: Uint8Array, t: string): boolean {
  if (u.length !== t.length) return false;
  for (let i = 0; i < t.length; i++) if (u[i] !== t.charCodeAt(i)) return false;
  return true;
}
function luaBytes(v: unknown): string {
  if (typeof v === 'string') return v;
  const u = v as Uint8Array;
  let s = '';
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
  return s;
}

const FENGARI_MSGS = new Map([
  ['JS stack overflow', 'C stack overflow'],
  ['attempt to yield across a JS-call boundary', 'attempt to yield across metamethod/C-call boundary'],
  // 5.3's wording; its limit is 2000 links where 5.1's is 100
  ["'__index' chain too long; possible loop", 'loop in gettable'],
  ["'__newindex' chain too long; possible loop", 'loop in settable'],
]);

let installed = false;

/** Apply the number seams to fengari (idempotent, process-wide). */
export function installNumberSemantics(): void {
  if (installed) return;
  installed = true;
  const { lobject, lvm, defs } = internals;
  const { LUA_TNUMINT, LUA_TNUMFLT } = defs.constant_types;

  const proto = lobject.TValue.prototype;
  Object.defineProperty(proto, 'type', {
    configurable: true,
    get(this: { t: number }) { return this.t; },
    set(this: { t: number }, v: number) { this.t = v === LUA_TNUMINT ? LUA_TNUMFLT : v; },
  });

  const luaS_bless = internals.lstring.luaS_bless;
  lobject.luaO_str2num = (s: Uint8Array, o: { setfltvalue(n: number): void }) => {
    const n = str2number51(s);
    if (n === null) return 0;
    o.setfltvalue(n);
    return s.length + 1;
  };
  lobject.luaO_tostring = (L: unknown, obj: { value: number; setsvalue(v: unknown): void }) => {
    const str = fmtNumber14(obj.value);
    const u = new Uint8Array(str.length);
    for (let i = 0; i < str.length; i++) u[i] = str.charCodeAt(i);
    obj.setsvalue(luaS_bless(L, u));
  };
  // luaO_pushvfstring formats %d/%I/%f through its own (local) tostring, which
  // would now print "1.0"; pre-render those arguments and pass them as %s.
  const pushv = lobject.luaO_pushvfstring;
  const toLua = (s: string) => {
    const u = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    return u;
  };
  lobject.luaO_pushvfstring = (L: unknown, fmt: Uint8Array, argp: unknown[]) => {
    let changed: Uint8Array | null = null;
    const args = argp.slice();
    for (let i = 0, a = 0; i < fmt.length - 1; i++) {
      if (fmt[i] !== 37) continue;
      const c = fmt[++i];
      if (c === 37) continue;
      if (c === 100 || c === 73 || c === 102) {
        if (!changed) changed = fmt.slice();
        changed[i] = 115; // 's'
        const n = args[a] as number;
        args[a] = toLua(c === 102 ? fmtNumber14(n) : String(Math.trunc(n)));
      }
      a++;
    }
    // 5.3 words type errors "attempt to index a nil value (local 't')";
    // 5.1 says "attempt to index local 't' (a nil value)"
    if (args.length === 3 && sameText(fmt, TYPEERROR_FMT)) {
      const info = luaBytes(args[2]);
      const m = /^ \(([\w ]+) '(.*)'\)$/s.exec(info);
      // 5.1 has no 'constant' or 'for iterator' names: `('x')()` is "attempt to call a string value"
      if (m && (m[1] === 'constant' || m[1] === 'for iterator')) return pushv(L, fmt, [args[0], args[1], toLua('')]);
      if (m) return pushv(L, toLua("attempt to %s %s '%s' (a %s value)"), [args[0], toLua(m[1]), toLua(plainGotoName(m[2])), args[1]]);
    }
    // fengari names the C stack "JS"; 5.1 messages say C
    if (args.length === 0) {
      const t = FENGARI_MSGS.get(luaBytes(fmt));
      if (t !== undefined) return pushv(L, toLua(t), args);
    }
    return pushv(L, changed ?? fmt, args);
  };
  lobject.luaO_pushfstring = (L: unknown, fmt: Uint8Array, ...argp: unknown[]) => lobject.luaO_pushvfstring(L, fmt, argp);
  lvm.tointeger = (o: { ttisnumber(): boolean; ttisstring(): boolean; value: number; svalue(): Uint8Array }) => {
    if (o.ttisnumber()) return toInteger51(o.value);
    if (o.ttisstring()) {
      const n = str2number51(o.svalue());
      if (n !== null) return toInteger51(n);
    }
    return false;
  };
}
