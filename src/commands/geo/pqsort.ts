/**
 * Redis's pqsort (pqsort.c, a partial quicksort derived from NetBSD's qsort): it
 * only sorts the partitions that overlap the ranks [lrange, rrange]. It is not
 * stable, so COUNT with ties returns the same elements in the same order as Redis
 * only when the exact same swaps are made; this follows its pivots and swaps step
 * by step, on element indices instead of byte pointers.
 */
export type Cmp<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]; a[i] = a[j]; a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  return cmp(a[i], a[j]) < 0
    ? (cmp(a[j], a[k]) < 0 ? j : (cmp(a[i], a[k]) < 0 ? k : i))
    : (cmp(a[j], a[k]) > 0 ? j : (cmp(a[i], a[k]) < 0 ? i : k));
}

function pq<T>(arr: T[], base: number, n: number, cmp: Cmp<T>, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) {
        for (let pl = pm; pl > base && cmp(arr[pl - 1], arr[pl]) > 0; pl--) swap(arr, pl, pl - 1);
      }
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(arr, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(arr, pm - d, pm, pm + d, cmp);
        pn = med3(arr, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(arr, pl, pm, pn, cmp);
    }
    swap(arr, base, pm);
    let pa = base + 1, pb = base + 1;
    let pc = base + n - 1, pd = base + n - 1;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(arr[pb], arr[base])) <= 0) {
        if (r === 0) { swap(arr, pa, pb); pa++; }
        pb++;
      }
      while (pb <= pc && (r = cmp(arr[pc], arr[base])) >= 0) {
        if (r === 0) { swap(arr, pc, pd); pd--; }
        pc--;
      }
      if (pb > pc) break;
      swap(arr, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    vecswap(arr, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(arr, pb, pn - r, r);
    // Recurse only into partitions that overlap [lrange, rrange].
    const outside = (lo: number, hi: number): boolean =>
      (lrange < lo && rrange < lo) || (lrange > hi && rrange > hi);
    r = pb - pa;
    if (r > 1 && !outside(base, base + r - 1)) pq(arr, base, r, cmp, lrange, rrange);
    r = pd - pc;
    if (r > 1) {
      base = pn - r;
      n = r;
      if (!outside(base, base + r - 1)) continue;
    }
    return;
  }
}

/** pqsort(a, n, cmp, lrange, rrange): sorts at least the ranks lrange..rrange of `arr` in place. */
export function pqsort<T>(arr: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  pq(arr, 0, arr.length, cmp, lrange, rrange);
}
