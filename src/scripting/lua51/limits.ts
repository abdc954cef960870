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

export const MAX_STRING_BYTES = 512 * 1024 * 1024;
/** Share of V8's heap limit a script may push the heap to before it gets "not enough memory". */
export const HEAP_FRACTION = 0.75;

/** Raise Lua's memory error (status LUA_ERRMEM, message "not enough memory") on L. */
export function throwOutOfMemory(L: LuaState): never {
  internals.ldo.luaD_throw(L, internals.defs.thread_status.LUA_ERRMEM);
  throw new Error('unreachable');
}

let installed = false;

/** Patch the concat result store (process-wide, idempotent). */
export function installStringLimits(): void {
  if (installed) return;
  installed = true;
  const { lobject } = internals;
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
