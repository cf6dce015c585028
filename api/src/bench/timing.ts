/** What the benchmarks time with: a percentile of samples, and a call timed `n` times in a row. */

/** The `p`th percentile of samples (NaN for none). */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

/** `fn(0)` … `fn(n - 1)`, one after another: each call's milliseconds. */
export async function timed(n: number, fn: (k: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await fn(k);
    out.push(performance.now() - t);
  }
  return out;
}
