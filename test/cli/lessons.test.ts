import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runLesson } from '../../src/cli/lesson.js';

const DIR = fileURLToPath(new URL('../../examples/lessons/', import.meta.url));
const lessons = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();

/** Each lesson's transcript is checked in: examples/lessons/NAME.transcript (REDSIM_UPDATE_LESSONS=1 rewrites them). */
describe('lessons (examples/lessons): transcript of `redsim repl --lesson FILE --no-pause`', () => {
  test('one lesson per seed topic', () => {
    expect(lessons.length).toBe(6);
  });
  for (const f of lessons) {
    test(f, async () => {
      let out = '';
      await runLesson(readFileSync(DIR + f, 'latin1'), {}, (b) => { out += b; }, null);
      const golden = DIR + f.replace(/\.txt$/, '.transcript');
      if (process.env.REDSIM_UPDATE_LESSONS === '1') writeFileSync(golden, out, 'latin1');
      expect(out).toBe(readFileSync(golden, 'latin1'));
    });
  }
});
