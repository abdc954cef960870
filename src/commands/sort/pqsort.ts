/**
 * The partial quicksort Redis uses for SORT ... BY <pattern> LIMIT (pqsort.c, a
 * Bentley-McIlroy quicksort that skips partitions outside the wanted range).
 * It is not stable, so elements that compare equal come out in the order this
 * exact algorithm leaves them; redsim replays the same steps to match that order.
 */

export type Cmp<T> = (a: T, b: T) => number;

/**
 * Sort `a` in place so that positions lrange..rrange (inclusive) hold what a full
 * sort would put there, swapping exactly as Redis's pqsort does.
 */
export function pqsort<T>(a: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  part(a, 0, a.length, cmp, lrange, rrange);
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]; a[i] = a[j]; a[j] = t;
}

/** Swap the n elements starting at i with the n starting at j. */
function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

/** Median of three positions, with the comparison order of the C macro. */
function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  return cmp(a[i], a[j]) < 0
    ? (cmp(a[j], a[k]) < 0 ? j : (cmp(a[i], a[k]) < 0 ? k : i))
    : (cmp(a[j], a[k]) > 0 ? j : (cmp(a[i], a[k]) < 0 ? i : k));
}

/** True when the wanted range lies entirely on one side of [lo, hi]. */
function outside(lo: number, hi: number, lrange: number, rrange: number): boolean {
  return (lrange < lo && rrange < lo) || (lrange > hi && rrange > hi);
}

/** Sort the n elements starting at `base`. */
function part<T>(a: T[], base: number, n: number, cmp: Cmp<T>, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      // Insertion sort for tiny partitions.
      for (let m = base + 1; m < base + n; m++) {
        for (let l = m; l > base && cmp(a[l - 1], a[l]) > 0; l--) swap(a, l, l - 1);
      }
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, base, pm);
    // Bentley-McIlroy 3-way partition: equal keys gathered at both ends first.
    let pa = base + 1, pb = pa;
    let pc = base + n - 1, pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb], a[base])) <= 0) {
        if (r === 0) { swap(a, pa, pb); pa++; }
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc], a[base])) >= 0) {
        if (r === 0) { swap(a, pc, pd); pd--; }
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - r, r);
    r = pb - pa;
    if (r > 1 && !outside(base, base + r - 1, lrange, rrange)) part(a, base, r, cmp, lrange, rrange);
    r = pd - pc;
    if (r > 1) {
      base = pn - r;
      n = r;
      if (!outside(base, base + r - 1, lrange, rrange)) continue;
    }
    return;
  }
}
