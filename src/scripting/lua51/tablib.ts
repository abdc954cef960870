/**
 * Lua 5.1 table library (ltablib.c of 5.1.5) and base `unpack`, as Redis
 * 7.0.15 runs them. Every element access is lua_rawgeti/lua_rawseti, so the
 * 5.1 table-order emulation (table-order.ts) sees the same accesses; `#`
 * comes from lua_rawlen, which already follows 5.1's border rule.
 *
 * table.sort reproduces 5.1's quicksort step for step: scripts can observe
 * the order of equal elements, how often (and with what) the comparator is
 * called, and when "invalid order function for sorting" is raised.
 */
import { lua, lauxlib, LuaState, LuaCFunction, raiseError, lstr } from '../lua-util.js';
import { yieldableCFunction, type CallRequest } from '../coroutines.js';
import { ByteBuf, checkInt, optInt, checkStack51 } from './strlib.js';

const { LUA_TTABLE, LUA_TFUNCTION, LUA_TNUMBER, LUA_TSTRING, LUA_TNIL, LUA_OPLT } = lua;

/** luaL_checktype(table) + luaL_getn. */
function lengthOf(L: LuaState, i: number): number {
  lauxlib.luaL_checktype(L, i, LUA_TTABLE);
  return lua.lua_rawlen(L, i);
}

function typeName(L: LuaState, idx: number): string {
  return String.fromCharCode(...lauxlib.luaL_typename(L, idx));
}

/* ---------------- concat / insert / remove ---------------- */

function concat(L: LuaState): number {
  const sep: Uint8Array = lauxlib.luaL_optlstring(L, 2, new Uint8Array(0));
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let i = optInt(L, 3, 1);
  const last = lua.lua_isnoneornil(L, 4) ? lua.lua_rawlen(L, 1) : checkInt(L, 4);
  const b = new ByteBuf(L);
  const add = (k: number): void => {
    lua.lua_rawgeti(L, 1, k);
    const t = lua.lua_type(L, -1);
    if (t !== LUA_TSTRING && t !== LUA_TNUMBER) {
      raiseError(L, `invalid value (${typeName(L, -1)}) at index ${k} in table for 'concat'`);
    }
    b.bytes(lua.lua_tolstring(L, -1));
    lua.lua_pop(L, 1);
  };
  for (; i < last; i++) {
    add(i);
    b.bytes(sep);
  }
  if (i === last) add(i);
  b.push();
  return 1;
}

function insert(L: LuaState): number {
  let e = lengthOf(L, 1) + 1;
  let pos: number;
  const nargs = lua.lua_gettop(L);
  if (nargs === 2) {
    pos = e;
  } else if (nargs === 3) {
    pos = checkInt(L, 2);
    if (pos > e) e = pos;
    // shift t[pos..e-1] up by one, from the top down
    for (let i = e; i > pos; i--) {
      lua.lua_rawgeti(L, 1, i - 1);
      lua.lua_rawseti(L, 1, i);
    }
  } else {
    raiseError(L, "wrong number of arguments to 'insert'");
  }
  lua.lua_rawseti(L, 1, pos);
  return 0;
}

function remove(L: LuaState): number {
  const e = lengthOf(L, 1);
  let pos = optInt(L, 2, e);
  if (!(pos >= 1 && pos <= e)) return 0;
  lua.lua_rawgeti(L, 1, pos);
  for (; pos < e; pos++) {
    lua.lua_rawgeti(L, 1, pos + 1);
    lua.lua_rawseti(L, 1, pos);
  }
  lua.lua_pushnil(L);
  lua.lua_rawseti(L, 1, e);
  return 1;
}

/* ---------------- sort ---------------- */

/**
 * 5.1's quicksort over t = stack[1], comparator (or nil) = stack[2].
 * Values being compared live on the stack, as in the C code, so that an
 * error thrown mid-sort leaves the table exactly as 5.1 would. It is a
 * generator (coroutines.ts): comparator and __lt calls are yieldable, so an
 * endless comparator gets BUSY and SCRIPT KILL.
 */
class Sorter {
  private readonly hasCmp: boolean;
  constructor(private readonly L: LuaState) {
    this.hasCmp = !lua.lua_isnil(L, 2);
  }

  private get(i: number): void { lua.lua_rawgeti(this.L, 1, i); }

  /** Is stack[a] < stack[b]? (negative indexes, taken before anything is pushed) */
  private *less(a: number, b: number): Generator<CallRequest, boolean, number> {
    const L = this.L;
    const ia = lua.lua_absindex(L, a);
    const ib = lua.lua_absindex(L, b);
    if (this.hasCmp) {
      lua.lua_pushvalue(L, 2);
    } else {
      const ta = lua.lua_type(L, ia);
      const tb = lua.lua_type(L, ib);
      if (ta === tb && (ta === LUA_TNUMBER || ta === LUA_TSTRING)) return lua.lua_compare(L, ia, ib, LUA_OPLT);
      // 5.1 call_orderTM: both operands must have the same __lt
      const has1 = lauxlib.luaL_getmetafield(L, ia, lstr('__lt')) !== LUA_TNIL;
      const has2 = has1 && lauxlib.luaL_getmetafield(L, ib, lstr('__lt')) !== LUA_TNIL;
      if (!has1 || !has2 || !lua.lua_rawequal(L, -1, -2)) {
        const t1 = typeName(L, ia);
        const t2 = typeName(L, ib);
        lua.lua_pushstring(L, lstr(t1 === t2 ? `attempt to compare two ${t1} values` : `attempt to compare ${t1} with ${t2}`));
        return lua.lua_error(L);
      }
      lua.lua_pop(L, 1);
    }
    lua.lua_pushvalue(L, ia);
    lua.lua_pushvalue(L, ib);
    yield { nargs: 2, nresults: 1 };
    const r = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 1);
    return r;
  }

  /** Store the top value at t[i] and the one below it at t[j]. */
  private put2(i: number, j: number): void {
    lua.lua_rawseti(this.L, 1, i);
    lua.lua_rawseti(this.L, 1, j);
  }

  private fail(): never {
    raiseError(this.L, 'invalid order function for sorting');
  }

  *sort(lo: number, hi: number): Generator<CallRequest, void, number> {
    const L = this.L;
    while (lo < hi) {
      // order t[lo], t[mid], t[hi] among themselves
      this.get(lo);
      this.get(hi);
      if (yield* this.less(-1, -2)) this.put2(lo, hi);
      else lua.lua_pop(L, 2);
      if (hi - lo === 1) return;
      let i = Math.trunc((lo + hi) / 2);
      this.get(i);
      this.get(lo);
      if (yield* this.less(-2, -1)) {
        this.put2(i, lo);
      } else {
        lua.lua_pop(L, 1);
        this.get(hi);
        if (yield* this.less(-1, -2)) this.put2(i, hi);
        else lua.lua_pop(L, 2);
      }
      if (hi - lo === 2) return;
      // the median becomes the pivot P, parked at t[hi-1]; it stays on the stack
      this.get(i);
      lua.lua_pushvalue(L, -1);
      this.get(hi - 1);
      this.put2(i, hi - 1);
      i = lo;
      let j = hi - 1;
      for (;;) {
        // advance i while t[i] < P
        for (;;) {
          this.get(++i);
          if (!(yield* this.less(-1, -2))) break;
          if (i > hi) this.fail();
          lua.lua_pop(L, 1);
        }
        // retreat j while P < t[j]
        for (;;) {
          this.get(--j);
          if (!(yield* this.less(-3, -1))) break;
          if (j < lo) this.fail();
          lua.lua_pop(L, 1);
        }
        if (j < i) {
          lua.lua_pop(L, 3);
          break;
        }
        this.put2(i, j);
      }
      this.get(hi - 1);
      this.get(i);
      this.put2(hi - 1, i);
      // recurse into the smaller part, loop on the larger one
      if (i - lo < hi - i) {
        const a = lo, b = i - 1;
        lo = i + 1;
        yield* this.sort(a, b);
      } else {
        const a = i + 1, b = hi;
        hi = i - 1;
        yield* this.sort(a, b);
      }
    }
  }
}

const sort = yieldableCFunction(function* sortBody(L) {
  const n = lengthOf(L, 1);
  if (!lua.lua_isnoneornil(L, 2)) lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_settop(L, 2);
  lua.lua_checkstack(L, 40);
  yield* new Sorter(L).sort(1, n);
  return 0;
});

/* ---------------- the rest of the 5.1 table library ---------------- */

// foreach/foreachi call through yieldableCFunction (see sort)
const foreachi = yieldableCFunction(function* foreachiBody(L) {
  const n = lengthOf(L, 1);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    yield { nargs: 2, nresults: 1 };
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
});

const foreach = yieldableCFunction(function* foreachBody(L) {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    yield { nargs: 2, nresults: 1 };
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
});

function maxn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === LUA_TNUMBER) {
      const v = lua.lua_tonumber(L, -1);
      if (v > max) max = v;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

/** The table library as Redis's Lua 5.1 registers it. */
export const tableFuncs51: Record<string, LuaCFunction> = {
  concat,
  foreach,
  foreachi,
  getn(L) { lua.lua_pushnumber(L, lengthOf(L, 1)); return 1; },
  maxn,
  insert,
  remove,
  // luaL_setn is compiled out in 5.1.5, so setn only checks its table and refuses
  setn(L) { lauxlib.luaL_checktype(L, 1, LUA_TTABLE); raiseError(L, "'setn' is obsolete"); },
  sort,
};

/** Base library `unpack` (5.1 lbaselib): int bounds, and the 5.1 C stack limit on the result count. */
export function unpack51(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let i = optInt(L, 2, 1);
  const e = lua.lua_isnoneornil(L, 3) ? lua.lua_rawlen(L, 1) : checkInt(L, 3);
  if (i > e) return 0;
  const n = (e - i + 1) | 0; // int arithmetic: wraps on overflow, caught below
  if (n <= 0 || !checkStack51(L, n)) raiseError(L, 'too many results to unpack');
  lua.lua_rawgeti(L, 1, i);
  while (i++ < e) lua.lua_rawgeti(L, 1, i);
  return n;
}

