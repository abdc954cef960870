/**
 * The same differential scenarios, with redsim reached through its RESP server over
 * loopback: covers request parsing, reply encoding and per-connection ordering.
 */
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario, redisServerPath, scenarioFiles } from './harness.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

const bin = redisServerPath();
if (!bin) console.warn('\n*** redis-server is not installed: the TCP differential tests are SKIPPED ***\n');

describe.skipIf(!bin)('differential over TCP: redsim server vs real redis-server', () => {
  for (const f of scenarioFiles(root)) {
    it(path.relative(root, f), async () => {
      const { compared, mismatches } = await runScenario(f, bin!, { via: 'tcp' });
      const report = mismatches.map((m) => `${path.relative(root, m.file)}:${m.line}: ${m.command}\n    redis : ${m.redis}\n    redsim: ${m.redsim}`).join('\n');
      expect(report, `${mismatches.length} of ${compared} replies differ`).toBe('');
    }, 60_000);
  }
});
