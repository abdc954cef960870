/**
 * Yield-transparent coroutine.resume / coroutine.wrap / xpcall for the
 * sandbox.
 *
 * The busy-script machinery (engine.ts) hands control back to the event loop
 * by yielding the run thread from the count hook. When the script is running
 * inside a coroutine of its own, the hook yields that coroutine instead; the
 * replacements below notice that the yield came from the hook (the private
 * `hookYield` flag, never visible to Lua), yield their own thread in turn with
 * a continuation, and so on up to the run thread. When the engine resumes the
 * run thread, each continuation re-resumes the coroutine below it, so the
 * script never sees the detour.
 *
 * The chain of running coroutines is tracked so the hook can tell whether
 * every level is able to yield (a level is not while it is inside a C call
 * that has no continuation, e.g. a table.sort comparator).
 */
import { lua, lauxlib, LuaState, LuaCFunction, lstr } from './lua-util.js';

const { LUA_OK, LUA_YIELD, LUA_TSTRING, LUA_MULTRET } = lua;

export interface CoroutineChain {
  /** Coroutines resumed through the replacements, outermost first, currently running. */
  active: LuaState[];
  /** Set by the hook just before it yields for the event loop; cleared by the engine. */
  hookYield: boolean;
}

const chains = new WeakMap<object, CoroutineChain>();

/** The chain shared by every thread of the Lua state L belongs to. */
export function chainOf(L: LuaState): CoroutineChain {
  const g = L.l_G as object;
  let c = chains.get(g);
  if (!c) { c = { active: [], hookYield: false }; chains.set(g, c); }
  return c;
}

/** True when L and every thread below it in the chain can yield right now. */
export function chainYieldable(run: LuaState, L: LuaState): boolean {
  const c = chainOf(L);
  const top = c.active.length ? c.active[c.active.length - 1] : run;
  if (top !== L) return false;
  if (!lua.lua_isyieldable(run)) return false;
  for (const t of c.active) if (!lua.lua_isyieldable(t)) return false;
  return true;
}

/**
 * Resume co with narg arguments already moved onto it; returns the number of
 * results moved onto L, or -1 with the error value on L. A hook yield inside
 * co is passed up by yielding L (this call then does not return).
 */
function drive(L: LuaState, co: LuaState, narg: number, k: (L: LuaState, st: number, ctx: number) => number): number {
  const c = chainOf(L);
  c.active.push(co);
  let status: number;
  try {
    status = lua.lua_resume(co, L, narg);
  } finally {
    c.active.pop();
  }
  if (status === LUA_YIELD && c.hookYield) {
    // pass the event-loop turn up; k resumes co again afterwards
    return lua.lua_yieldk(L, 0, 0, k);
  }
  if (status === LUA_OK || status === LUA_YIELD) {
    const nres = lua.lua_gettop(co);
    if (!lua.lua_checkstack(L, nres + 1)) {
      lua.lua_pop(co, nres);
      lua.lua_pushliteral(L, 'too many results to resume');
      return -1;
    }
    lua.lua_xmove(co, L, nres);
    return nres;
  }
  lua.lua_xmove(co, L, 1);
  return -1;
}

/** 5.1 costatus. */
function costatus(L: LuaState, co: LuaState): string {
  if (L === co) return 'running';
  const s = lua.lua_status(co);
  if (s === LUA_YIELD) return 'suspended';
  if (s !== LUA_OK) return 'dead';
  if (lua.lua_getstack(co, 0, new lua.lua_Debug())) return 'normal';
  return lua.lua_gettop(co) === 0 ? 'dead' : 'suspended';
}

function start(L: LuaState, co: LuaState, narg: number, k: (L: LuaState, st: number, ctx: number) => number): number {
  if (!lua.lua_checkstack(co, narg)) {
    lua.lua_pushliteral(L, 'too many arguments to resume');
    return -1;
  }
  const st = costatus(L, co);
  if (st !== 'suspended') {
    lua.lua_pushstring(L, lstr(`cannot resume ${st} coroutine`));
    return -1;
  }
  lua.lua_xmove(L, co, narg);
  return drive(L, co, narg, k);
}

function resumeResult(L: LuaState, r: number): number {
  if (r < 0) {
    lua.lua_pushboolean(L, 0);
    lua.lua_insert(L, -2);
    return 2;
  }
  lua.lua_pushboolean(L, 1);
  lua.lua_insert(L, -(r + 1));
  return r + 1;
}

function resumeK(L: LuaState): number {
  return resumeResult(L, drive(L, lua.lua_tothread(L, 1), 0, resumeK));
}

const coResume: LuaCFunction = (L) => {
  const co = lua.lua_tothread(L, 1);
  lauxlib.luaL_argcheck(L, co, 1, lstr('coroutine expected'));
  return resumeResult(L, start(L, co, lua.lua_gettop(L) - 1, resumeK));
};

function wrapResult(L: LuaState, r: number): number {
  if (r < 0) {
    if (lua.lua_type(L, -1) === LUA_TSTRING) {
      lauxlib.luaL_where(L, 1);
      lua.lua_insert(L, -2);
      lua.lua_concat(L, 2);
    }
    return lua.lua_error(L);
  }
  return r;
}

function wrapK(L: LuaState): number {
  return wrapResult(L, drive(L, lua.lua_tothread(L, lua.lua_upvalueindex(1)), 0, wrapK));
}

const auxWrap: LuaCFunction = (L) => {
  const co = lua.lua_tothread(L, lua.lua_upvalueindex(1));
  return wrapResult(L, start(L, co, lua.lua_gettop(L), wrapK));
};

const coWrap: LuaCFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
  const NL = lua.lua_newthread(L);
  lua.lua_pushvalue(L, 1);
  lua.lua_xmove(L, NL, 1);
  lua.lua_pushcclosure(L, auxWrap, 1);
  return 1;
};

/**
 * fengari's lua_pcallk records the caller's allowhook flag with
 * `callstatus &= ~CIST_OAH | allowhook`, which never sets the bit, so an
 * error after a yield inside the call would come back with hooks disabled
 * (and SCRIPT KILL ignored). Setting the bit first makes the record right.
 */
const CIST_OAH = 1;
let pcallkFixed = false;
function fixPcallk(): void {
  if (pcallkFixed) return;
  pcallkFixed = true;
  const orig = lua.lua_pcallk;
  // every caller (bridge's pcall, xpcall below) reads it from the lua module object
  lua.lua_pcallk = (L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: unknown) => {
    if (L.allowhook) L.ci.callstatus |= CIST_OAH;
    return orig(L, nargs, nresults, errfunc, ctx, k);
  };
}

/**
 * A call a C function wants to make so that the script stays yieldable
 * inside it: the function and `nargs` arguments are on top of the stack.
 * `protect` makes it a pcall; the generator then receives the status.
 */
export interface CallRequest { nargs: number; nresults: number; protect?: boolean }
export type YieldableBody = (L: LuaState) => Generator<CallRequest, number, number>;

/**
 * Wrap a C function written as a generator so that every Lua function it
 * calls runs through lua_callk / lua_pcallk with a continuation. A yield
 * inside the callee (the busy hook handing control to the event loop, a
 * coroutine.yield in a coroutine) then unwinds the JS frame, and the
 * continuation resumes the generator where it stopped. Without this, a
 * table.sort comparator, gsub callback, load reader, __tostring or xpcall
 * handler would be a C boundary no yield may cross: an endless loop in it
 * could not be answered with BUSY nor killed.
 */
export function yieldableCFunction(body: YieldableBody): LuaCFunction {
  type Gen = Generator<CallRequest, number, number> & { inCall?: boolean };
  // While a call is out, coroutine.yield from the script is refused as 5.1
  // does (see coYield); only the busy hook's yield passes.
  const leave = (L: LuaState, gen: Gen): void => {
    if (gen.inCall) { gen.inCall = false; L.cBoundaries--; }
  };
  // the continuation: the call returned after a yield, or a yieldable pcall failed
  const k = (L: LuaState, status: number, gen: Gen): number => {
    leave(L, gen);
    return step(L, gen, status === LUA_YIELD ? LUA_OK : status);
  };
  function step(L: LuaState, gen: Gen, status: number): number {
    let r = gen.next(status);
    while (!r.done) {
      const q = r.value;
      let st = LUA_OK;
      L.cBoundaries = (L.cBoundaries ?? 0) + 1;
      gen.inCall = true;
      try {
        if (q.protect) st = lua.lua_pcallk(L, q.nargs, q.nresults, 0, gen, k);
        else lua.lua_callk(L, q.nargs, q.nresults, gen, k);
      } catch (e) {
        // a yield, or a yieldable pcall's error, comes back through k;
        // any other error abandons this call
        if (lua.lua_status(L) !== LUA_YIELD && !(q.protect && lua.lua_isyieldable(L))) leave(L, gen);
        throw e;
      }
      leave(L, gen);
      r = gen.next(st);
    }
    return r.value;
  }
  return (L) => step(L, body(L), LUA_OK);
}

/** 5.1 reaches "error in error handling" when a message handler keeps failing (C stack depth). */
const MAX_HANDLER_RETRIES = 200;

/**
 * 5.1 xpcall(f, msgh). The handler runs after the failed call has unwound
 * rather than at the raise point (not observable without the debug library,
 * which Redis removes), through a yieldable call so that an endless loop in
 * it gets BUSY and SCRIPT KILL like any other code. A handler that fails is
 * called again with its own error, as 5.1's nested error handling does,
 * until 5.1's depth limit gives "error in error handling". Memory errors
 * skip the handler, as in 5.1.
 */
const xpcall = yieldableCFunction(function* xpcallBody(L) {
  lauxlib.luaL_checkany(L, 2);
  lua.lua_settop(L, 2);
  lua.lua_pushvalue(L, 1);
  const st = yield { nargs: 0, nresults: LUA_MULTRET, protect: true };
  if (st === LUA_OK) {
    lua.lua_pushboolean(L, 1);
    lua.lua_insert(L, 3);
    return lua.lua_gettop(L) - 2;
  }
  // stack: f, h, err
  if (st !== lua.LUA_ERRMEM) {
    let handled = false;
    for (let i = 0; i < MAX_HANDLER_RETRIES; i++) {
      lua.lua_pushvalue(L, 2);
      lua.lua_pushvalue(L, 3);
      const hs = yield { nargs: 1, nresults: 1, protect: true };
      lua.lua_replace(L, 3);
      if (hs === LUA_OK) { handled = true; break; }
      if (hs === lua.LUA_ERRMEM) { handled = true; break; }
    }
    if (!handled) {
      lua.lua_pushliteral(L, 'error in error handling');
      lua.lua_replace(L, 3);
    }
  }
  lua.lua_pushboolean(L, 0);
  lua.lua_replace(L, 2);
  lua.lua_settop(L, 3);
  return 2;
});

/**
 * coroutine.yield with 5.1's refusal: the script body itself (the run thread,
 * which a Redis script is not) and non-yieldable C calls cannot yield.
 */
const coYield: LuaCFunction = (L) => {
  const c = chainOf(L);
  if (c.active[c.active.length - 1] !== L || !lua.lua_isyieldable(L)) {
    lua.lua_pushstring(L, lstr('attempt to yield across metamethod/C-call boundary'));
    return lua.lua_error(L);
  }
  if (L.cBoundaries > 0) {
    // inside a sort comparator, gsub callback...: a C boundary in 5.1
    lua.lua_pushstring(L, lstr('attempt to yield across metamethod/C-call boundary'));
    return lua.lua_error(L);
  }
  return lua.lua_yield(L, lua.lua_gettop(L));
};

/** Install the replacements into the (still unlocked) globals of L. */
export function installYieldableCalls(L: LuaState): void {
  fixPcallk();
  lua.lua_pushglobaltable(L);
  lua.lua_getfield(L, -1, lstr('coroutine'));
  lua.lua_pushcfunction(L, coResume);
  lua.lua_setfield(L, -2, lstr('resume'));
  lua.lua_pushcfunction(L, coWrap);
  lua.lua_setfield(L, -2, lstr('wrap'));
  lua.lua_pushcfunction(L, coYield);
  lua.lua_setfield(L, -2, lstr('yield'));
  lua.lua_pop(L, 1);
  lua.lua_pushcfunction(L, xpcall);
  lua.lua_setfield(L, -2, lstr('xpcall'));

  lua.lua_pop(L, 1);
}
