/**
 * Seeded differential fuzzing against a real redis-server (see fuzz.ts).
 * Default: a few fixed seeds, short sequences. Long offline sessions:
 *   FUZZ_SEEDS=200 FUZZ_LEN=2000 [FUZZ_START=1000] [FUZZ_EXCLUDE=DUMP,SORT] npx vitest run test/diff/fuzz.test.ts
 * (FUZZ_EXCLUDE drops commands with known open mismatches from generation.)
 */
import { describe, it, expect } from 'vitest';
import { redisServerPath } from './harness.js';
import { generate, runSteps, shrink, formatSteps } from './fuzz.js';

const bin = redisServerPath();
if (!bin) console.warn('\n*** redis-server is not installed: the differential fuzz tests are SKIPPED ***\n');

const envN = (name: string, dflt: number) => { const v = Number(process.env[name]); return Number.isFinite(v) && v > 0 ? v : dflt; };
const long = process.env.FUZZ_SEEDS !== undefined;
const SEEDS = envN('FUZZ_SEEDS', 4);
const LEN = envN('FUZZ_LEN', 500);
const START = Number(process.env.FUZZ_START ?? 1) || 1;
const SHRINK_MS = envN('FUZZ_SHRINK_MS', long ? 20_000 : 8_000);

describe.skipIf(!bin)('differential fuzz: redsim vs real redis-server', () => {
  const seeds = Array.from({ length: SEEDS }, (_, i) => START + i);
  it(`seeds ${seeds[0]}..${seeds[seeds.length - 1]} × ${LEN} commands`, async () => {
    const failures: string[] = [];
    let total = 0;
    for (const seed of seeds) {
      const steps = generate(seed, LEN);
      const { compared, mismatch, hung } = await runSteps(steps, bin!);
      total += compared;
      if (hung) failures.push(`seed ${seed}: the real server did not answer command #${compared} (blocked?)`);
      if (!mismatch) continue;
      const small = await shrink(steps, bin!, SHRINK_MS);
      const head = `seed ${seed}, command #${mismatch.index}: ${formatSteps([mismatch.step])}\n` +
        `  redis : ${mismatch.redis}\n  redsim: ${mismatch.redsim}\n`;
      const msg = head + (small
        ? `  minimized (${small.steps.length} commands, last one differs):\n` +
          formatSteps(small.steps).split('\n').map((l) => '    ' + l).join('\n') +
          `\n  minimized replies:\n    redis : ${small.mismatch.redis}\n    redsim: ${small.mismatch.redsim}`
        : '  (did not reproduce on a re-run: timing-dependent)');
      if (long) console.log(msg + '\n');
      failures.push(msg);
      if (!long) break;
    }
    expect(failures.join('\n\n'), `${failures.length} seed(s) failed`).toBe('');
    expect(total).toBeGreaterThan(0);
  }, long ? 3_600_000 : 60_000);
});
