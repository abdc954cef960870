/**
 * Script shebang lines, as Redis 7.0 reads them: `#!lua flags=no-writes,...` on
 * EVAL bodies (eval.c evalExtractShebangFlags) and `#!lua name=<lib>` on
 * FUNCTION LOAD payloads (functions.c functionExtractLibMetaData).
 */
import { splitArgBytes } from '../cli/split.js';
import { cstr } from '../util/bytes.js';
export { cstr };

export const SCRIPT_FLAG = {
  NO_WRITES: 1,
  ALLOW_OOM: 2,
  ALLOW_STALE: 4,
  NO_CLUSTER: 8,
  /** No shebang: EVAL keeps its pre-7.0 behaviour. */
  EVAL_COMPAT_MODE: 16,
  ALLOW_CROSS_SLOT: 32,
} as const;

/** Flag names in Redis's declaration order (FUNCTION LIST prints them in this order). */
export const SCRIPT_FLAG_NAMES: Array<[string, number]> = [
  ['no-writes', SCRIPT_FLAG.NO_WRITES],
  ['allow-oom', SCRIPT_FLAG.ALLOW_OOM],
  ['allow-stale', SCRIPT_FLAG.ALLOW_STALE],
  ['no-cluster', SCRIPT_FLAG.NO_CLUSTER],
  ['allow-cross-slot-keys', SCRIPT_FLAG.ALLOW_CROSS_SLOT],
];

/** The C splitter stops at NUL; sdssplitargs returns null on bad quoting. */
function splitLine(line: string): string[] | null {
  return splitArgBytes(line);
}

export type ShebangResult = { ok: true; flags: number; shebangLen: number } | { ok: false; err: string };

/** EVAL body shebang. `err` is the message without the "ERR " code. */
export function parseEvalShebang(body: string): ShebangResult {
  if (!body.startsWith('#!')) return { ok: true, flags: SCRIPT_FLAG.EVAL_COMPAT_MODE, shebangLen: 0 };
  const nl = cIndexOf(body, '\n');
  if (nl < 0) return { ok: false, err: 'Invalid script shebang' };
  const parts = splitLine(body.slice(0, nl));
  if (!parts || parts.length === 0) return { ok: false, err: 'Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { ok: false, err: `Unexpected engine in script shebang: ${cstr(parts[0])}` };
  let flags = 0;
  for (let j = 1; j < parts.length; j++) {
    const p = parts[j];
    if (!p.startsWith('flags=')) return { ok: false, err: `Unknown lua shebang option: ${cstr(p)}` };
    // sdssplitlen on ',' : an empty value gives no parts at all
    const rest = p.slice(6);
    const names = rest.length === 0 ? [] : rest.split(',');
    for (const n of names) {
      const f = SCRIPT_FLAG_NAMES.find(([s]) => s === cstr(n));
      if (!f) return { ok: false, err: `Unexpected flag in script shebang: ${cstr(n)}` };
      flags |= f[1];
    }
  }
  return { ok: true, flags, shebangLen: nl };
}

export type LibMetaResult = { ok: true; name: string; engine: string; code: string } | { ok: false; err: string };

/** FUNCTION LOAD payload metadata. `code` keeps the newline that ends the shebang. */
export function parseLibraryMeta(payload: string): LibMetaResult {
  if (!payload.startsWith('#!')) return { ok: false, err: 'Missing library metadata' };
  const nl = cIndexOf(payload, '\n');
  if (nl < 0) return { ok: false, err: 'Invalid library metadata' };
  const parts = splitLine(payload.slice(0, nl));
  if (!parts || parts.length === 0) return { ok: false, err: 'Invalid library metadata' };
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    if (p.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return { ok: false, err: 'Invalid metadata value, name argument was given multiple times' };
      name = p.slice(5);
      continue;
    }
    return { ok: false, err: `Invalid metadata value given: ${cstr(p)}` };
  }
  if (name === null) return { ok: false, err: 'Library name was not given' };
  return { ok: true, name, engine, code: payload.slice(nl) };
}

/** strchr on a C string: not found past the first NUL. */
function cIndexOf(s: string, ch: string): number {
  const i = s.indexOf(ch);
  const z = s.indexOf('\0');
  return z >= 0 && z < i ? -1 : i;
}

