// Lua 5.1 table iteration order (and `#` borders) on fengari.
//
// Seam: fengari's VM and API reach every table primitive through the
// ltable.js module object (`ltable.luaH_setfrom(...)`, `ltable.luaH_next(...)`
// etc.), so replacing those exports at runtime intercepts all of them. Each
// fengari Table gets a shadow Table51 (table-order-layout.ts) that replays
// 5.1's luaH_set/newkey/rehash on every key insertion or nil assignment;
// luaH_next and luaH_getn are then answered from the shadow, while the values
// stay in fengari's Map. Constructor size hints are read from the OP_NEWTABLE
// instruction the calling frame is executing; OP_SETLIST's array pre-grow is
// detected the same way.
//
// Limits: keys that are tables/functions/userdata/threads hash by address in
// 5.1; here they get stable pseudo-addresses, so their relative order is
// deterministic but not Redis's (which depends on its allocator anyway).
// Light userdata keys are not modelled (that table falls back to fengari's
// insertion order). 5.1's garbage collector can turn a nil-valued string key
// into a dead key, after which re-inserting that key may pick another node;
// the model assumes no collection happened between the nil assignment and the
// re-insertion. Tables created before installation start from fengari's
// insertion order.

import { createRequire } from 'node:module';
import { Table51, numberKey51, type Key51 } from './table-order-layout.js';
import { fb2int, luaStringHash51 } from './table-order-hash.js';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;
type FTable = any;
type FTValue = any;

// Load fengari through its entry point first: its internal modules require
// each other circularly and only initialise properly in that order.
const fengari = require('fengari');
const defs = require('fengari/src/defs.js');
const ltable = require('fengari/src/ltable.js');
const lvm = require('fengari/src/lvm.js');
const lstring = require('fengari/src/lstring.js');
const lstate = require('fengari/src/lstate.js');
const ldebug = require('fengari/src/ldebug.js');
const lopcodes = require('fengari/src/lopcodes.js');
const { lua, lauxlib } = fengari;

const T = defs.constant_types;
const { OP_NEWTABLE, OP_SETLIST, OP_SETTABLE, OP_SETTABUP, OP_EXTRAARG } = lopcodes.OpCodesI;
const CIST_LUA: number = lstate.CIST_LUA;

/** Shadow slot on fengari tables: a layout, or false when not modelled. */
const SHADOW = 'l51';
/** The thread that built a table with a constructor (for OP_SETLIST). */
const CTOR_THREAD = 'l51L';

// ---- keys -------------------------------------------------------------

const TRUE_KEY: Key51 = { id: true, hv: 1, pow2: true, ai: -1 };
const FALSE_KEY: Key51 = { id: false, hv: 0, pow2: true, ai: -1 };

const pseudoAddr = new WeakMap<object, number>();
let nextAddr = 0;
/** A stable stand-in for the address 5.1 hashes objects by. */
function addressOf(o: object): number {
  let a = pseudoAddr.get(o);
  if (a === undefined) {
    nextAddr = (nextAddr + 1) >>> 0;
    a = (0x10000 + nextAddr * 56) >>> 0;
    pseudoAddr.set(o, a);
  }
  return a;
}

const STRING_KEY = Symbol('l51key');

/** The 5.1 key for a fengari key value, or null when it is not modelled. */
function keyOf(tv: FTValue): Key51 | null {
  switch (tv.type) {
    case T.LUA_TNUMINT:
    case T.LUA_TNUMFLT:
      return numberKey51(tv.value);
    case T.LUA_TSHRSTR:
    case T.LUA_TLNGSTR: {
      const ts = tv.value;
      let k: Key51 | undefined = ts[STRING_KEY];
      if (k === undefined) {
        k = { id: lstring.luaS_hashlongstr(ts), hv: luaStringHash51(ts.realstring), pow2: true, ai: -1 };
        ts[STRING_KEY] = k;
      }
      return k;
    }
    case T.LUA_TBOOLEAN:
      return tv.value ? TRUE_KEY : FALSE_KEY;
    case T.LUA_TTABLE:
    case T.LUA_TLCL:
    case T.LUA_TLCF:
    case T.LUA_TCCL:
    case T.LUA_TUSERDATA:
    case T.LUA_TTHREAD:
      return { id: tv.value, hv: addressOf(tv.value), pow2: false, ai: -1 };
    default:
      return null;
  }
}

function isBadKey(tv: FTValue): boolean {
  return tv.type === T.LUA_TNIL || (tv.type === T.LUA_TNUMFLT && Number.isNaN(tv.value));
}

// ---- shadows ------------------------------------------------------------

/** Rebuild a shadow from fengari's own insertion order (best effort). */
function rebuild(t: FTable): Table51 | false {
  const sh = new Table51();
  for (let e = t.f; e; e = e.n) {
    const k = keyOf(e.key);
    if (k === null) return false;
    sh.set(k, true);
  }
  return sh;
}

function shadowOf(t: FTable): Table51 | null {
  let sh: Table51 | false | undefined = t[SHADOW];
  if (sh === undefined) {
    sh = rebuild(t);
    t[SHADOW] = sh;
  }
  return sh === false ? null : sh;
}

/** A shadow known to agree with the fengari table's live keys, or null. */
function syncedShadowOf(t: FTable): Table51 | null {
  let sh = shadowOf(t);
  if (sh !== null && sh.count !== t.strong.size) {
    const r = rebuild(t);
    t[SHADOW] = r;
    sh = r === false ? null : r;
  }
  return sh;
}

/** The instruction the thread's current Lua frame is executing, if any. */
function currentInstruction(L: LuaState): any {
  const ci = L.ci;
  if (!ci || !(ci.callstatus & CIST_LUA)) return null;
  let pc = ci.l_savedpc - 1;
  let ins = ci.l_code[pc];
  if (ins && ins.opcode === OP_EXTRAARG && pc > 0) ins = ci.l_code[--pc];
  return ins ?? null;
}

// ---- hooks --------------------------------------------------------------

let installed = false;
/** Key TValue of the lvm.settable call currently made through the C API. */
let apiSetKey: FTValue = null;

/**
 * Patch fengari (once per process) so that every table keeps a 5.1 layout
 * and `next`/`lua_next`/`pairs` and `#` follow it.
 */
export function installLua51TableOrder(): void {
  if (installed) return;
  installed = true;

  const origNew = ltable.luaH_new;
  const origSetint = ltable.luaH_setint;
  const origSetfrom = ltable.luaH_setfrom;
  const origGet = ltable.luaH_get;
  const origNext = ltable.luaH_next;
  const origGetn = ltable.luaH_getn;
  const origSettable = lvm.settable;

  ltable.luaH_new = function (L: LuaState): FTable {
    const t = origNew(L);
    const ins = currentInstruction(L);
    if (ins !== null && ins.opcode === OP_NEWTABLE) {
      t[SHADOW] = new Table51(fb2int(ins.B), fb2int(ins.C));
      t[CTOR_THREAD] = L;
    } else {
      t[SHADOW] = new Table51();
    }
    return t;
  };

  // The host store runs first so that a store it rejects (by throwing) leaves
  // the shadow untouched; whether the key was already live is read before.
  ltable.luaH_setint = function (t: FTable, key: number, value: FTValue): void {
    const sh = shadowOf(t);
    if (sh === null) return origSetint(t, key, value);
    const nonNil = !value.ttisnil();
    const fresh = !(nonNil && t.strong.has(key));
    origSetint(t, key, value);
    if (fresh) {
      const L = t[CTOR_THREAD];
      if (L !== undefined && key > sh.asize) growForSetlist(L, t, sh, key);
      sh.set(numberKey51(key), nonNil);
    }
  };

  ltable.luaH_setfrom = function (L: LuaState, t: FTable, key: FTValue, value: FTValue): void {
    const sh = isBadKey(key) ? null : shadowOf(t);
    if (sh === null) return origSetfrom(L, t, key, value);
    const k = keyOf(key);
    if (k === null) {
      t[SHADOW] = false;
      return origSetfrom(L, t, key, value);
    }
    const nonNil = !value.ttisnil();
    const fresh = !(nonNil && t.strong.has(k.id));
    origSetfrom(L, t, key, value);
    if (fresh) sh.set(k, nonNil);
  };

  // 5.1's settable inserts the key before consulting __newindex, so a table
  // with a metatable gains a nil-valued node even when the metamethod runs.
  ltable.luaH_get = function (L: LuaState, t: FTable, key: FTValue): FTValue {
    const r = origGet(L, t, key);
    if (t.metatable !== null && r.ttisnil() && !isBadKey(key) && inSettable(L, key)) {
      const sh = shadowOf(t);
      const k = sh === null ? null : keyOf(key);
      if (sh !== null && k !== null && sh.slotOf(k) < 0) sh.set(k, false);
    }
    return r;
  };

  lvm.settable = function (L: LuaState, t: FTValue, key: FTValue, val: FTValue): void {
    const prev = apiSetKey;
    apiSetKey = key;
    try {
      origSettable(L, t, key, val);
    } finally {
      apiSetKey = prev;
    }
  };

  ltable.luaH_next = function (L: LuaState, t: FTable, keyI: number): boolean {
    const sh = syncedShadowOf(t);
    if (sh === null) return origNext(L, t, keyI);
    const keyO = L.stack[keyI];
    let slot = -1;
    if (keyO.type !== T.LUA_TNIL) slot = traversalSlot(sh, keyO);
    if (slot < 0 && keyO.type !== T.LUA_TNIL) {
      return ldebug.luaG_runerror(L, defs.to_luastring("invalid key to 'next'"));
    }
    for (;;) {
      slot = sh.nextLive(slot);
      if (slot < 0) return false;
      const e = t.strong.get(sh.slotKeyId(slot));
      if (e) {
        sh.cursor = slot;
        L.stack[keyI].setfrom(e.key);
        L.stack[keyI + 1].setfrom(e.value);
        return true;
      }
    }
  };

  ltable.luaH_getn = function (t: FTable): number {
    const sh = syncedShadowOf(t);
    return sh === null ? origGetn(t) : sh.border();
  };
}

/** Slot of a traversal key (5.1 findindex), or -1 if the table lacks it. */
function traversalSlot(sh: Table51, keyO: FTValue): number {
  const ty = keyO.type;
  if (ty === T.LUA_TNUMINT || ty === T.LUA_TNUMFLT) {
    const v = keyO.value;
    if (Number.isInteger(v) && v >= 1 && v <= sh.asize) return v - 1;
  }
  // The usual case: the key is the one the previous call handed out.
  const c = sh.cursor;
  if (c >= sh.asize && c < sh.asize + sh.nsize) {
    const id =
      ty === T.LUA_TSHRSTR || ty === T.LUA_TLNGSTR ? lstring.luaS_hashlongstr(keyO.value) : keyO.value;
    if (sh.slotKeyId(c) === id) return c;
  }
  const k = isBadKey(keyO) ? null : keyOf(keyO);
  return k === null ? -1 : sh.slotOf(k);
}

function inSettable(L: LuaState, key: FTValue): boolean {
  if (key === apiSetKey) return true;
  const ins = currentInstruction(L);
  return ins !== null && (ins.opcode === OP_SETTABLE || ins.opcode === OP_SETTABUP);
}

/** OP_SETLIST grows the array part to its last index before storing. */
function growForSetlist(L: LuaState, t: FTable, sh: Table51, key: number): void {
  const ins = currentInstruction(L);
  if (ins === null || ins.opcode !== OP_SETLIST) return;
  const slot = L.stack[L.ci.l_base + ins.A];
  if (slot && slot.value === t) sh.resizeArray(key);
}

// ---- public API ---------------------------------------------------------

/**
 * lua_next in Lua 5.1 order: pops a key, pushes the next key and its value
 * and returns 1, or returns 0 (pushing nothing) at the end.
 */
export function luaNext51(L: LuaState, idx: number): number {
  installLua51TableOrder();
  return lua.lua_next(L, idx);
}

/** 5.1 base library `next`: checks a table, returns key/value or nil. */
function next51(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_settop(L, 2);
  if (luaNext51(L, 1)) return 2;
  lua.lua_pushnil(L);
  return 1;
}

/** The iterator `pairs` hands out: a distinct function, as in 5.1 where
 *  pairs' upvalue is its own closure of luaB_next (pairs{} ~= next). */
function pairsNext51(L: LuaState): number {
  return next51(L);
}

/** 5.1 `pairs`: no __pairs metamethod; returns next, t, nil. */
function pairs51(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnil(L);
  return 3;
}

/** Replace the globals `next` and `pairs` of state L with 5.1 versions. */
export function registerNext51(L: LuaState): void {
  installLua51TableOrder();
  lua.lua_pushcfunction(L, next51);
  lua.lua_setglobal(L, defs.to_luastring('next'));
  lua.lua_pushcfunction(L, pairsNext51);
  lua.lua_pushcclosure(L, pairs51, 1);
  lua.lua_setglobal(L, defs.to_luastring('pairs'));
}

/**
 * 5.1 lua_createtable: push a new table whose array and hash parts are
 * presized like luaH_new(narray, nrec) (fengari ignores these hints).
 */
export function createTable51(L: LuaState, narray: number, nrec: number): void {
  installLua51TableOrder();
  lua.lua_createtable(L, narray, nrec);
  const t = L.stack[L.top - 1].value;
  t[SHADOW] = new Table51(Math.max(0, narray | 0), Math.max(0, nrec | 0));
}
