/**
 * Memory limits for scripts. Real Redis lets Lua allocate until malloc fails,
 * then the script gets LUA_ERRMEM ("not enough memory"; the caller sees
 * "ERR Error running script <name>, not enough memory"). Node cannot survive
 * running out of memory, so we fail earlier, with the same error:
 *  - a string built by `..` longer than MAX_STRING_BYTES (the cap string.rep
 *    and string.format use), checked where the VM stores the concat result
 *    (lvm calls lobject.setsvalue2s through the module object);
 *  - a V8 heap grown past HEAP_FRACTION of its limit, checked from the
 *    busy-script count hook (huge tables).
 */
import { internals, LuaState } from '../lua-util.js';
import { getHeapStatistics } from 'node:v8';
import { createRequire } from 'node:module';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lstate: any = createRequire(import.meta.url)('fengari/src/lstate.js');

export const MAX_STRING_BYTES = 512 * 1024 * 1024;
/** Share of V8's heap limit a script may push the heap to before it gets "not enough memory". */
export const HEAP_FRACTION = 0.75;

/** Raise Lua's memory error (status LUA_ERRMEM, message "not enough memory") on L. */
export function throwOutOfMemory(L: LuaState): never {
  internals.ldo.luaD_throw(L, internals.defs.thread_status.LUA_ERRMEM);
  throw new Error('unreachable');
}

/**
 * 5.1 grows its CallInfo array by doubling and fails with "stack overflow"
 * once it would pass LUAI_MAXCALLS (20000), i.e. at 16384 nested calls;
 * fengari only stops at a million stack slots, far deeper and slower.
 */
export const MAX_CALL_DEPTH = 16383;

let installed = false;

/** Patch the concat result store and the call depth (process-wide, idempotent). */
export function installLimits(): void {
  if (installed) return;
  installed = true;
  const { lobject, ldebug, defs } = internals;
  const extendCI = lstate.luaE_extendCI;
  const overflow = defs.to_luastring('stack overflow');
  lstate.luaE_extendCI = (L: LuaState) => {
    const depth = (L.ci.depth ?? 0) + 1;
    if (depth > MAX_CALL_DEPTH) ldebug.luaG_runerror(L, overflow);
    const ci = extendCI(L);
    ci.depth = depth;
    return ci;
  };
  const set = lobject.setsvalue2s;
  lobject.setsvalue2s = (L: LuaState, idx: number, ts: { realstring: Uint8Array }) => {
    if (ts.realstring.length > MAX_STRING_BYTES) throwOutOfMemory(L);
    return set(L, idx, ts);
  };
}

/** True when the V8 heap is past the share a script may use. */
export function heapExhausted(): boolean {
  const h = getHeapStatistics();
  return h.used_heap_size > h.heap_size_limit * HEAP_FRACTION;
}
