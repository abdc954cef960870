import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm package', () => {
  it('ships the built sources, their types and the data files, not the tests', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files.some((f) => f.startsWith('dist/test') || f.startsWith('test/'))).toBe(false);
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/adapters/ioredis.js', 'dist/src/adapters/node-redis.js',
      'dist/src/testing/index.js', 'src/commands/table.json', 'src/config-defaults.json', 'dist/src/cli/main.js']) {
      expect(files).toContain(f);
    }
  });
});
