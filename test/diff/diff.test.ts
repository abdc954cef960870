import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario, redisServerPath, scenarioFiles } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, 'scenarios');

const bin = redisServerPath();
const files = scenarioFiles(root);
if (!bin) console.warn('\n*** redis-server is not installed: the differential tests against real Redis are SKIPPED ***\n');

describe.skipIf(!bin)('differential: redsim vs real redis-server', () => {
  for (const f of files) {
    it(path.relative(root, f), async () => {
      const { compared, mismatches } = await runScenario(f, bin!);
      const report = mismatches.map((m) => `${path.relative(root, m.file)}:${m.line}: ${m.command}\n    redis : ${m.redis}\n    redsim: ${m.redsim}`).join('\n');
      expect(report, `${mismatches.length} of ${compared} replies differ`).toBe('');
      expect(compared).toBeGreaterThan(0);
    }, 60_000);
  }
});
