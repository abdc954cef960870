/**
 * Memory limits for scripts. Real Redis lets Lua allocate until malloc fails,
 * then the script gets LUA_ERRMEM ("not enough memory"; the caller sees
 * "ERR Error running script <name>, not enough memory"). Node cannot survive
 * running out of memory, so we fail earlier, with the same error:
 *  - a string built by `..` longer than MAX_STRING_BYTES (the cap string.rep
 *    and string.format use), checked where the VM stores the concat result
 *    (lvm calls lobject.setsvalue2s through the module object);
 *  - V8 heap plus external memory (Lua strings are Uint8Arrays, whose
 *    ArrayBuffers live outside the V8 heap) grown past HEAP_FRACTION of the
 *    heap limit, checked from the busy-script count hook (huge tables) and
 *    after every STRING_CHECK_BYTES of large strings created (a loop of
 *    `string.rep(...)..i` makes gigabytes between two hook calls).
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
    const n = ts.realstring.length;
    if (n > MAX_STRING_BYTES) throwOutOfMemory(L);
    if (n >= LARGE_STRING) noteLargeString(L, n);
    return set(L, idx, ts);
  };
  const push = lobject.pushsvalue2s;
  lobject.pushsvalue2s = (L: LuaState, ts: { realstring: Uint8Array }) => {
    const n = ts.realstring.length;
    if (n >= LARGE_STRING) noteLargeString(L, n);
    return push(L, ts);
  };
}

/** Strings at least this long count towards the next memory check. */
const LARGE_STRING = 4096;
/** Bytes of large strings created between two memory checks. */
export const STRING_CHECK_BYTES = 16 * 1024 * 1024;
let largeSinceCheck = 0;

function noteLargeString(L: LuaState & { errorJmp?: unknown }, n: number): void {
  largeSinceCheck += n;
  if (largeSinceCheck < STRING_CHECK_BYTES) return;
  largeSinceCheck = 0;
  // only inside a protected call (a running script); host code pushing
  // arguments before the run has nobody to catch the error
  if (L.errorJmp && memoryExhausted()) throwOutOfMemory(L);
}

/** True when V8 heap plus external (ArrayBuffer) memory is past the share a script may use. */
export function memoryExhausted(): boolean {
  const h = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return h.used_heap_size + (h.external_memory ?? 0) > h.heap_size_limit * HEAP_FRACTION;
}
