/**
 * Injectable time. The server reads time only through a Clock, so tests and trace
 * replay can run on virtual time while `redsim serve` uses the real clock.
 */
export interface Clock {
  /** Milliseconds since the epoch (may be fractional for the real clock's micro part). */
  now(): number;
  /** Microseconds since the epoch. */
  nowUs(): number;
  /** Schedule cb after ms (on this clock's time). Returns a handle for clearTimer. */
  setTimer(ms: number, cb: () => void): unknown;
  clearTimer(handle: unknown): void;
  readonly virtual: boolean;
  /** Drop any cached reading (a clock that caches now() per event-loop turn). */
  refresh?(): void;
}

/** Reads of RealClock.now() served from one clock reading at most. */
const CACHE_READS = 64;

export class RealClock implements Clock {
  readonly virtual = false;
  // performance.now() is monotonic and much cheaper than hrtime.bigint() on the hot path.
  private readonly originMs = Date.now() - performance.now();
  /**
   * now() is read once per command; like Redis's cached mstime, one reading serves
   * an event-loop turn (dropped at the next setImmediate), re-read at least every
   * CACHE_READS reads so a long synchronous loop of commands still sees time move.
   * nowUs() (script time limits, latency budgets) always reads the clock.
   */
  private cachedMs = -1;
  private reads = 0;
  private turnScheduled = false;
  private readonly endTurn = (): void => { this.cachedMs = -1; this.turnScheduled = false; };
  now(): number {
    if (this.cachedMs >= 0 && --this.reads > 0) return this.cachedMs;
    this.cachedMs = Math.floor(this.originMs + performance.now());
    this.reads = CACHE_READS;
    if (!this.turnScheduled) { this.turnScheduled = true; setImmediate(this.endTurn).unref?.(); }
    return this.cachedMs;
  }
  /** Forget the cached reading (after blocking the thread, e.g. DEBUG SLEEP). */
  refresh(): void { this.cachedMs = -1; }
  nowUs(): number { return Math.floor((this.originMs + performance.now()) * 1000); }
  setTimer(ms: number, cb: () => void): unknown { const t = setTimeout(cb, Math.max(0, ms)); t.unref?.(); return t; }
  clearTimer(handle: unknown): void { clearTimeout(handle as NodeJS.Timeout); }
}

interface VTimer { at: number; seq: number; cb: () => void; cancelled: boolean }

/** Virtual time: moves only when told (advance/set). Timers fire in time order during advance. */
export class VirtualClock implements Clock {
  readonly virtual = true;
  private us: number;
  private timers: VTimer[] = [];
  private seq = 0;
  constructor(startMs = 1_700_000_000_000) { this.us = startMs * 1000; }
  now(): number { return Math.floor(this.us / 1000); }
  nowUs(): number { return this.us; }
  setTimer(ms: number, cb: () => void): unknown {
    const t: VTimer = { at: this.us + Math.max(0, ms) * 1000, seq: this.seq++, cb, cancelled: false };
    this.timers.push(t);
    return t;
  }
  clearTimer(handle: unknown): void { (handle as VTimer).cancelled = true; }
  /** When the earliest pending timer fires (ms since epoch), or undefined if none. */
  nextTimerAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers) if (!t.cancelled && (at === undefined || t.at < at)) at = t.at;
    return at === undefined ? undefined : at / 1000;
  }

  /** Move time forward by ms, firing due timers in order. */
  advance(ms: number): void { this.set((this.us + ms * 1000) / 1000); }
  /** Set the absolute time (ms since epoch); may not go backwards past fired timers. */
  set(ms: number): void {
    const target = Math.round(ms * 1000);
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: VTimer | undefined;
      for (const t of this.timers) if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      if (next.at > this.us) this.us = next.at;
      next.cb();
    }
    this.us = target;
  }
}
