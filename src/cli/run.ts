/**
 * `redsim run`: feed command lines to one in-process RedSim and print every
 * reply the way an interactive redis-cli session prints it.
 *
 * Lines are split like redis-cli (src/cli/split.ts); blank lines and lines
 * starting with '#' are skipped. redis-cli's own line rules apply: a leading
 * count repeats the command ("3 INCR x"), "quit"/"exit" end the session, and
 * a few commands (INFO, CLIENT LIST...) are shown raw.
 */
import { RedSim, type RedSimOptions } from '../server.js';
import { VirtualClock, type Clock } from '../clock.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { renderReply, renderReplyRaw } from '../resp/render.js';
import { splitArgBytes } from './split.js';

export interface RunOptions {
  resp?: 2 | 3;
  seed?: number;
  /** Start a virtual clock at this time (ms since the epoch). */
  virtualTime?: number;
  /** Extra RedSim options (config overrides...). */
  sim?: RedSimOptions;
}

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** Commands redis-cli prints with its raw formatter even in TTY mode (cliSendCommand). */
export function isRawOutput(argv: string[]): boolean {
  const n = argv.length;
  const a = (i: number) => (argv[i] ?? '').toLowerCase();
  const cmd = a(0);
  if (cmd === 'info' || cmd === 'lolwut') return true;
  if (n >= 2 && cmd === 'debug' && ['htstats', 'htstats-key', 'client-eviction'].includes(a(1))) return true;
  if (n >= 2 && cmd === 'memory' && (a(1) === 'malloc-stats' || a(1) === 'doctor')) return true;
  if (n === 2 && cmd === 'cluster' && (a(1) === 'nodes' || a(1) === 'info')) return true;
  if (n >= 2 && cmd === 'client' && (a(1) === 'list' || a(1) === 'info')) return true;
  if (n === 3 && cmd === 'latency' && a(1) === 'graph') return true;
  if (n === 2 && cmd === 'latency' && a(1) === 'doctor') return true;
  if (n >= 2 && cmd === 'proxy' && a(1) === 'info') return true;
  return false;
}

/**
 * redis-cli's repeat prefix: argv[0] fully parsed by strtol(…, 10).
 * Returns the count, 'invalid' for a bad count, or null if argv[0] is no count.
 */
function repeatCount(first: string): bigint | 'invalid' | null {
  if (first === '') return 'invalid'; // strtol consumed nothing, but *endptr is the NUL: count 0
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(first);
  if (!m) return null;
  const v = BigInt(m[1]);
  if (v > LONG_MAX || v < LONG_MIN || v <= 0n) return 'invalid';
  return v;
}

/** The earliest pending timer of a virtual clock; undefined for a real clock. */
function nextTimerAt(clock: Clock): number | null | undefined {
  return clock instanceof VirtualClock ? clock.nextTimerAt() ?? null : undefined;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CliSession {
  readonly sim: RedSim;
  readonly client: Client;
  private ready: Promise<void>;

  constructor(opts: RunOptions = {}) {
    const simOpts: RedSimOptions = { ...opts.sim };
    if (opts.seed !== undefined) simOpts.seed = opts.seed;
    if (opts.virtualTime !== undefined) simOpts.clock = new VirtualClock(opts.virtualTime);
    this.sim = new RedSim(simOpts);
    this.client = this.sim.createClient({ addr: '127.0.0.1:50000', laddr: '127.0.0.1:6379' });
    // redis-cli -3 says HELLO 3 when it connects and shows nothing of it.
    this.ready = opts.resp === 3 ? this.exec(['HELLO', '3']).then(() => {}) : Promise.resolve();
  }

  /**
   * Run one command. A blocked command on a virtual clock can only end by
   * timing out (nobody else is connected), so time jumps to the next timer.
   */
  async exec(argv: string[]): Promise<Reply> {
    const r = this.sim.execute(this.client, argv);
    if (!(r instanceof Promise)) return r;
    let done = false;
    const settled = r.finally(() => {
      done = true;
    });
    await tick();
    const clock = this.sim.clock;
    if (clock.virtual) {
      let step = 1;
      let waited = 0;
      while (!done) {
        const next = nextTimerAt(clock);
        if (next === null) throw new Error('command blocked forever (no timeout) on the virtual clock');
        const vc = clock as VirtualClock;
        if (next !== undefined) vc.set(Math.max(next, clock.nowUs() / 1000));
        else {
          vc.advance(step);
          waited += step;
          step = Math.min(step * 2, 60_000);
          if (waited > 10 * 365 * 86_400_000) throw new Error('command blocked forever on the virtual clock');
        }
        await tick();
      }
    } else {
      // The real clock's timers are unref'd: keep the process alive until the reply comes.
      const keep = setInterval(() => {}, 1 << 30);
      void settled.finally(() => clearInterval(keep));
    }
    return settled;
  }

  /**
   * Process one input line (a byte string). Returns the bytes to print and
   * whether the session ends here.
   */
  async line(line: string): Promise<{ out: string; quit: boolean }> {
    await this.ready;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trimStart().startsWith('#')) return { out: '', quit: false };
    const argv = splitArgBytes(line);
    if (argv === null) return { out: 'Invalid argument(s)\n', quit: false };
    if (argv.length === 0) return { out: '', quit: false };
    let repeat = 1n;
    let args = argv;
    if (argv.length > 1) {
      const rc = repeatCount(argv[0]);
      if (rc === 'invalid') return { out: 'Invalid redis-cli repeat command option value.\n', quit: false };
      if (rc !== null) {
        repeat = rc;
        args = argv.slice(1);
      }
    }
    const first = argv[0].toLowerCase();
    if (first === 'quit' || first === 'exit') return { out: '', quit: true };
    if (argv[0].startsWith(':')) return { out: '', quit: false }; // redis-cli preference setting
    const raw = isRawOutput(args);
    let out = '';
    for (let i = 0n; i < repeat; i++) {
      const reply = await this.exec(args);
      out += raw ? renderReplyRaw(reply, this.client.resp) : renderReply(reply, this.client.resp);
    }
    return { out, quit: false };
  }

  close(): void {
    this.sim.closeClient(this.client);
    this.sim.stop();
  }
}

/**
 * Run a whole script (bytes, one command per line), calling `write` with the
 * rendered output of each line as a byte string.
 */
export async function runScript(input: string, opts: RunOptions, write: (bytes: string) => void): Promise<void> {
  const session = new CliSession(opts);
  try {
    const lines = input.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (const l of lines) {
      const { out, quit } = await session.line(l);
      if (out) write(out);
      if (quit) break;
    }
  } finally {
    session.close();
  }
}

/** Convenience for tests: run a script given as text, return the printed text. */
export async function runScriptText(input: string, opts: RunOptions = {}): Promise<string> {
  let out = '';
  await runScript(Buffer.from(input, 'utf8').toString('latin1'), opts, (b) => {
    out += b;
  });
  return Buffer.from(out, 'latin1').toString('utf8');
}
