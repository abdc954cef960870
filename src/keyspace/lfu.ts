/**
 * LFU access counters as evict.c keeps them: an 8-bit logarithmic counter that
 * grows with probability 1/((counter-5)*lfu-log-factor+1) per access and decays
 * by one every lfu-decay-time minutes, stored with the minute of its last decay
 * in one word: (minutes << 8) | counter. Time comes from the server clock and the
 * coin flips from the seeded random source, so a seeded run counts the same.
 */
import type { ValueMeta } from './values.js';
import type { RandomSource } from '../random.js';

export const LFU_INIT_VAL = 5;

export interface LfuParams { logFactor: number; decayTime: number; random: RandomSource }

/** LFUGetTimeInMinutes: 16 bits of unix minutes. */
export function lfuMinutes(nowMs: number): number { return Math.floor(nowMs / 60000) & 65535; }

function elapsed(ldt: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/**
 * The value's 24-bit lru word as an LFU policy reads it. A value that never had an
 * LFU word (created under an LRU policy) still holds Redis's LRU clock there, which
 * an LFU policy then misreads as (minutes, counter), as Redis does after a switch.
 */
export function lfuWord(v: ValueMeta): number {
  return v.lfu ?? (Math.floor(v.lru / 1000) & 0xffffff);
}

/** LFUDecrAndReturn: the counter after the decay periods since its last decrement. */
export function lfuDecrAndReturn(v: ValueMeta, nowMs: number, decayTime: number): number {
  const word = lfuWord(v);
  const ldt = word >>> 8;
  const counter = word & 255;
  const periods = decayTime ? Math.floor(elapsed(ldt, nowMs) / decayTime) : 0;
  return periods ? (periods > counter ? 0 : counter - periods) : counter;
}

/** LFULogIncr. */
export function lfuLogIncr(counter: number, p: LfuParams): number {
  if (counter === 255) return 255;
  const r = p.random.next();
  const base = Math.max(0, counter - LFU_INIT_VAL);
  if (r < 1 / (base * p.logFactor + 1)) counter++;
  return counter;
}

/** updateLFU: an access. */
export function lfuTouch(v: ValueMeta, nowMs: number, p: LfuParams): void {
  const c = lfuLogIncr(lfuDecrAndReturn(v, nowMs, p.decayTime), p);
  v.lfu = (lfuMinutes(nowMs) << 8) | c;
}

/** A new object's word (createObject under an LFU policy), or a RESTORE FREQ value. */
export function lfuInit(v: ValueMeta, nowMs: number, counter = LFU_INIT_VAL): void {
  v.lfu = (lfuMinutes(nowMs) << 8) | counter;
}
