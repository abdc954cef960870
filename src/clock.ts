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

export class RealClock implements Clock {
  readonly virtual = false;
  // The system clock (Date.now) gives the milliseconds; performance.now() adds the
  // microseconds. The estimate is kept inside [Date.now(), Date.now() + 1ms): it never
  // runs behind the wall clock (a PXAT computed by a client from its own clock then
  // never shows a longer PTTL) nor drifts ahead of it.
  private originMs = Date.now() - performance.now();
  /**
   * Milliseconds are Date.now() itself: as cheap as a cached reading (a vDSO read)
   * and never behind the wall clock, which a reading cached for an event-loop turn
   * can be for in-process callers.
   */
  now(): number { return Date.now(); }
  /** Nothing is cached (kept for the Clock interface: DEBUG SLEEP calls it). */
  refresh(): void {}
  nowUs(): number {
    const p = performance.now();
    const lo = Date.now() * 1000;
    const us = Math.floor((this.originMs + p) * 1000);
    if (us >= lo && us < lo + 1000) return us;
    this.originMs = lo / 1000 - p;
    return lo;
  }
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
