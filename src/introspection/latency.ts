/**
 * The latency monitor (latency.c): per event ("command", "fast-command",
 * "expire-cycle", "eviction-del", ...) a ring of 160 per-second samples of the
 * worst latency in ms seen in that second, recorded when it reaches
 * latency-monitor-threshold; plus the per-command latency histograms behind
 * LATENCY HISTOGRAM and INFO latencystats, bucketed as Redis's hdr_histogram
 * (1 ns .. 1 s, 2 significant figures) buckets them.
 */
export const LATENCY_TS_LEN = 160;

export interface LatencySample { time: number; latency: number }
export interface LatencySeries { idx: number; max: number; samples: LatencySample[] }

export class LatencyMonitor {
  /** Insertion-ordered, as Redis's dict is iterated in LATENCY LATEST (an unordered reply). */
  readonly events = new Map<string, LatencySeries>();

  /** latencyAddSample: `nowMs` is the server time, `latency` in ms. */
  add(event: string, latency: number, nowMs: number): void {
    const now = Math.floor(nowMs / 1000);
    let ts = this.events.get(event);
    if (!ts) {
      ts = { idx: 0, max: 0, samples: Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latency: 0 })) };
      this.events.set(event, ts);
    }
    if (latency > ts.max) ts.max = latency;
    const prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    if (ts.samples[prev].time === now) {
      if (latency > ts.samples[prev].latency) ts.samples[prev].latency = latency;
      return;
    }
    ts.samples[ts.idx] = { time: now, latency };
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /** latencyAddSampleIfNeeded. */
  addIfNeeded(event: string, latency: number, threshold: number, nowMs: number): void {
    if (threshold && latency >= threshold) this.add(event, latency, nowMs);
  }

  /** latencyResetEvent: one event (case-insensitive) or all; returns how many were dropped. */
  reset(event?: string): number {
    let n = 0;
    for (const k of [...this.events.keys()]) {
      if (event === undefined || k.toLowerCase() === event.toLowerCase()) { this.events.delete(k); n++; }
    }
    return n;
  }
}

// ---------------------------------------------------------------- hdr histogram
export const HIST_MIN = 1024;
export const HIST_MAX = 1_000_000_000;

/** Bucket width around v for 2 significant figures (sub-bucket half count 128). */
function bucketSize(v: number): number {
  // v is within [HIST_MIN, HIST_MAX] < 2^31: floor(log2 v) without Math.log2.
  const lg = 31 - Math.clz32(v);
  return lg > 7 ? 1 << (lg - 7) : 1;
}
function lowestEquivalent(v: number): number { const s = bucketSize(v); return Math.floor(v / s) * s; }
export function highestEquivalent(v: number): number { return lowestEquivalent(v) + bucketSize(v) - 1; }

/** The per-command latency histogram (values in ns), counts per hdr bucket. */
export class Histogram {
  total = 0;
  private readonly counts = new Map<number, number>();
  private sorted: number[] | null = null;

  record(ns: number): void {
    const v = Math.min(HIST_MAX, Math.max(HIST_MIN, Math.floor(ns)));
    const b = lowestEquivalent(v);
    const c = this.counts.get(b);
    if (c === undefined) { this.counts.set(b, 1); this.sorted = null; } else this.counts.set(b, c + 1);
    this.total++;
  }

  private buckets(): number[] {
    if (!this.sorted) this.sorted = [...this.counts.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  /** fillCommandCDF: [usec, cumulative count] at each power-of-two level from 1024 ns that adds counts. */
  cdf(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const bs = this.buckets();
    let i = 0, cum = 0, prev = 0;
    for (let level = HIST_MIN; i < bs.length; level *= 2) {
      while (i < bs.length && bs[i] <= level) { cum += this.counts.get(bs[i])!; i++; }
      if (cum > prev) out.push([Math.floor(highestEquivalent(level) / 1000), cum]);
      prev = cum;
    }
    return out;
  }

  /** hdr_value_at_percentile (ns). */
  percentile(p: number): number {
    const req = Math.min(p, 100);
    const at = Math.max(1, Math.floor(req / 100 * this.total + 0.5));
    let total = 0;
    for (const b of this.buckets()) {
      total += this.counts.get(b)!;
      if (total >= at) return highestEquivalent(b);
    }
    return 0;
  }
}
