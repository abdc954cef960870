import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerPath, scenarioFiles } from './harness.js';
import { runClusterScenario } from './cluster-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, 'cluster-scenarios');
const bin = redisServerPath();

describe.skipIf(!bin)('differential: simulated cluster vs a real 3-master redis cluster', () => {
  for (const f of scenarioFiles(root)) {
    it(path.relative(root, f), async () => {
      const { compared, mismatches } = await runClusterScenario(f, bin!);
      const report = mismatches.map((m) => `${path.relative(root, m.file)}:${m.line}: ${m.command}\n    redis : ${m.redis}\n    redsim: ${m.redsim}`).join('\n');
      expect(report, `${mismatches.length} of ${compared} replies differ`).toBe('');
      expect(compared).toBeGreaterThan(0);
    }, 60_000);
  }
});
