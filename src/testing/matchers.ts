/**
 * Assertion helpers for vitest and jest: `expect.extend(redsimMatchers)`, then
 *   expect(sim).toHaveKey('k')            expect(sim).toHaveKey('k', { type: 'hash', db: 1 })
 *   expect(sim).toHaveValue('k', 'v')     expect(sim).toHaveTTL('k', 10_000)   // or { min, max }, or null
 * They read the keyspace without touching it (see inspect.ts).
 */
import type { RedSim } from '../server.js';
import { inspectKey, keysOf } from './inspect.js';

interface Result { pass: boolean; message: () => string }
interface MatcherThis { isNot?: boolean; equals?: (a: unknown, b: unknown) => boolean }

function isSim(x: unknown): x is RedSim {
  return typeof x === 'object' && x !== null && Array.isArray((x as RedSim).dbs) && typeof (x as RedSim).connect === 'function';
}

const notSim = (x: unknown): Result => ({ pass: false, message: () => `expected a RedSim instance, got ${typeof x}` });

export const redsimMatchers = {
  toHaveKey(this: MatcherThis, sim: unknown, key: string, opts: { type?: string; db?: number } = {}): Result {
    if (!isSim(sim)) return notSim(sim);
    const info = inspectKey(sim, key, opts.db ?? 0);
    const typeOk = !opts.type || info?.type === opts.type;
    const pass = info !== null && typeOk;
    return {
      pass,
      message: () => pass
        ? `expected no key '${key}'${opts.type ? ` of type ${opts.type}` : ''}, but it exists`
        : info === null
          ? `expected key '${key}' to exist in db ${opts.db ?? 0}; keys: ${JSON.stringify(keysOf(sim, opts.db ?? 0).slice(0, 20))}`
          : `expected key '${key}' to be a ${opts.type}, but it is a ${info.type}`,
    };
  },

  toHaveValue(this: MatcherThis, sim: unknown, key: string, expected: unknown, opts: { db?: number } = {}): Result {
    if (!isSim(sim)) return notSim(sim);
    const info = inspectKey(sim, key, opts.db ?? 0);
    const eq = this.equals ?? ((a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b));
    const pass = info !== null && eq(info.value, expected);
    return {
      pass,
      message: () => `expected key '${key}' ${pass ? 'not ' : ''}to hold ${JSON.stringify(expected)}, it holds ${info === null ? '(no key)' : JSON.stringify(info.value)}`,
    };
  },

  /** ms: exact remaining ms, { min, max } bounds, or null for "exists without an expire". */
  toHaveTTL(this: MatcherThis, sim: unknown, key: string, ms: number | null | { min?: number; max?: number }, opts: { db?: number } = {}): Result {
    if (!isSim(sim)) return notSim(sim);
    const info = inspectKey(sim, key, opts.db ?? 0);
    let pass = false;
    if (info !== null) {
      if (ms === null) pass = info.ttl === null;
      else if (typeof ms === 'number') pass = info.ttl === ms;
      else pass = info.ttl !== null && (ms.min === undefined || info.ttl >= ms.min) && (ms.max === undefined || info.ttl <= ms.max);
    }
    return {
      pass,
      message: () => info === null
        ? `expected key '${key}' to exist with a TTL, but there is no such key`
        : `expected key '${key}' ${pass ? 'not ' : ''}to have TTL ${JSON.stringify(ms)} ms, it has ${info.ttl === null ? 'no expire' : `${info.ttl} ms`}`,
    };
  },
};

/** For `declare module 'vitest' { interface Assertion<T> extends RedsimMatchers<T> {} }`. */
export interface RedsimMatchers<R = unknown> {
  toHaveKey(key: string, opts?: { type?: string; db?: number }): R;
  toHaveValue(key: string, expected: unknown, opts?: { db?: number }): R;
  toHaveTTL(key: string, ms: number | null | { min?: number; max?: number }, opts?: { db?: number }): R;
}
