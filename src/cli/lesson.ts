/**
 * `redsim repl --lesson FILE`: a lesson is a REPL input file. `#` lines are
 * narration, printed as they are; every other line is echoed after its
 * client's prompt, as a redis-cli transcript shows it, then run with explain
 * mode on. A blank line ends a step: on a terminal the lesson waits for Enter
 * there (`--no-pause`, or piped output, runs straight through).
 */
import { ReplSession, type ReplOptions } from './repl.js';

/** Lessons run on a fixed virtual clock and seed, so a transcript is the same every run. */
export const LESSON_TIME = 1_700_000_000_000;

export async function runLesson(text: string, opts: ReplOptions, write: (bytes: string) => void,
  pause: (() => Promise<void>) | null): Promise<void> {
  const s = new ReplSession({ virtualTime: LESSON_TIME, seed: 1, ...opts, explain: true });
  s.onAsync = write;
  try {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/\r$/, '');
      const t = line.trim();
      if (t === '') {
        write('\n');
        // Pause between steps, not before the end.
        if (pause && lines.slice(i + 1).some((l) => l.trim() !== '')) await pause();
        continue;
      }
      if (t.startsWith('#')) { write(line + '\n'); continue; }
      if (t.startsWith(':')) write(`${line}\n`);
      else {
        const m = /^@(\S+)\s+([\s\S]*)$/.exec(t);
        write(m ? `${s.prompt(m[1])}${m[2]}\n` : `${s.prompt()}${t}\n`);
      }
      const { out, quit } = await s.line(line);
      write(out);
      if (quit) break;
    }
    // Let replies released by the last line arrive.
    await new Promise<void>((r) => setImmediate(r));
  } finally {
    s.onAsync = () => {};
    s.close();
  }
}
