/**
 * Every TypeScript snippet of README.md runs here, as written except for the
 * package specifiers (mapped to the sources). A `console.log(x); // text` line
 * asserts that what it prints is the start of `text` (up to the end or a colon).
 */
import { describe, it, expect, vi } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { format } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const SPEC: Record<string, string> = {
  redsim: 'src/index.js', 'redsim/ioredis': 'src/adapters/ioredis.js',
  'redsim/node-redis': 'src/adapters/node-redis.js', 'redsim/testing': 'src/testing/index.js',
};
const genDir = path.join(root, 'test/docs/.generated');

/** Snippets that configure a test runner's module mocking; run in test/adapters/module-mock.test.ts. */
const isMockRecipe = (code: string) => /\b(vi|jest)\.mock\(/.test(code);

describe('README snippets', () => {
  it('there are snippets', () => expect(blocks.length).toBeGreaterThanOrEqual(3));

  blocks.forEach((code, i) => {
    if (isMockRecipe(code)) {
      it(`snippet ${i + 1} (module mocking) is what test/adapters/module-mock.test.ts runs`, () => {
        const t = readFileSync(path.join(root, 'test/adapters/module-mock.test.ts'), 'utf8');
        expect(t).toContain("vi.mock('ioredis', () => import(");
        expect(code).toContain("vi.mock('ioredis', () => import('redsim/ioredis'));");
      });
      return;
    }
    it(`snippet ${i + 1} runs and prints what its comments say`, async () => {
      mkdirSync(genDir, { recursive: true });
      const file = path.join(genDir, `readme-${i + 1}.ts`);
      const src = code.replace(/from '(redsim(?:\/[a-z-]+)?)'/g, (_m, spec: string) => {
        const target = path.join(root, SPEC[spec] ?? `unknown-specifier-${spec}`);
        return `from '${path.relative(genDir, target).replace(/\\/g, '/')}'`;
      });
      writeFileSync(file, src);
      const expected = code.split('\n').filter((l) => /console\.log\(/.test(l)).map((l) => {
        const at = l.lastIndexOf('// ');
        return at < 0 ? null : l.slice(at + 3).trim();
      });
      const printed: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(format(...a)); });
      try {
        await import(pathToFileURL(file).href);
      } finally {
        spy.mockRestore();
        rmSync(file, { force: true });
      }
      expect(printed.length).toBe(expected.length);
      printed.forEach((out, j) => {
        const want = expected[j];
        if (want === null) return;
        expect(want.startsWith(out) && (want.length === out.length || want[out.length] === ':'), `printed ${JSON.stringify(out)}, comment says ${JSON.stringify(want)}`).toBe(true);
      });
    });
  });
});

describe('examples/in-process.mjs', () => {
  it('prints what its comments say (run with node on the built dist/)', async () => {
    const { execFileSync } = await import('node:child_process');
    const file = path.join(root, 'examples/in-process.mjs');
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 }).trimEnd().split('\n');
    const want = readFileSync(file, 'utf8').split('\n').filter((l) => /console\.log\(/.test(l)).map((l) => {
      const at = l.lastIndexOf('// ');
      const label = /console\.log\('([^']*)'/.exec(l)?.[1] ?? '';
      return { label, comment: at < 0 ? null : l.slice(at + 3).trim() };
    });
    expect(out.length).toBe(want.length);
    out.forEach((line, j) => {
      const { label, comment } = want[j];
      expect(line.startsWith(label)).toBe(true);
      if (comment === null) return;
      const value = line.slice(label.length).trim();
      expect(comment.startsWith(value) && (comment.length === value.length || /[ :(]/.test(comment[value.length])), `printed ${JSON.stringify(line)}, comment says ${JSON.stringify(comment)}`).toBe(true);
    });
  });
});
