/**
 * `redsim repl`: a redis-cli-like shell on one in-process RedSim, with several
 * clients side by side, for learning transactions, WATCH, blocking and
 * scripting semantics.
 *
 * ReplSession holds everything but the terminal: it takes one input line (a
 * byte string) and returns what to print, so it is testable without a TTY.
 * Output that arrives later (the reply of a blocked command) goes to `onAsync`,
 * or, when it arrives while a line is being handled, after that line's output.
 */
import { RedSim, type RedSimOptions } from '../server.js';
import { VirtualClock } from '../clock.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { renderReply, renderReplyRaw, reprBytes } from '../resp/render.js';
import { isRawOutput } from './run.js';
import { splitArgBytes } from './split.js';
import { scriptingOf } from '../scripting/engine.js';
import { Explainer, showCmd } from './explain.js';
import { lookupCommand } from '../commands/table.js';

export interface ReplOptions {
  resp?: 2 | 3;
  seed?: number;
  /** Run on a virtual clock starting at this time (ms since the epoch); `:time` moves it. */
  virtualTime?: number;
  sim?: RedSimOptions;
  /** Start with explain mode on (`:explain on`). */
  explain?: boolean;
}

interface ReplClient {
  name: string;
  client: Client;
  /** The command it is blocked in, for messages. */
  blockedOn: string | null;
  /** A script still running past busy-reply-threshold: its command, until the reply arrives. */
  running: string | null;
}

export const REPL_HELP = [
  'REPL commands (anything else is sent to the server, redis-cli syntax):',
  '  @NAME <command>   send <command> from client NAME (created on first use)',
  '  :use NAME         make NAME the default client (created on first use)',
  '  :clients          list clients: db, MULTI queue, watched keys (and who broke them), blocked, subscriptions',
  '  :time             show the virtual time (with --virtual-time)',
  '  :time +MS         advance the virtual clock by MS milliseconds, firing timeouts',
  '  :time MS          set the virtual clock to MS (ms since the epoch, not backwards)',
  '  :timeline [N]     the last N (20) commands of every client, in order, with their outcome',
  '  :explain on|off   after each reply, say what happened and why',
  '  :help             this list',
  '  quit, exit        leave',
  'A blocked command (BLPOP...) prints (blocked); its reply is printed later,',
  'prefixed with the client name, when another client or a timeout releases it.',
].join('\n') + '\n';

const NAME_RE = /^[A-Za-z0-9_.-]+$/;


const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ReplSession {
  readonly sim: RedSim;
  /** Receives output that arrives while no line is being handled. */
  onAsync: (bytes: string) => void = () => {};
  private readonly clients = new Map<string, ReplClient>();
  private current = 'A';
  private handling = false;
  private held = '';
  private readonly resp: 2 | 3;
  private nextPort = 50001;
  /** Always attached: `:clients` and `:timeline` use its records; `explainOn` prints them. */
  private readonly explainer: Explainer;
  private explainOn = false;
  /** What each client ran and got, in order, for `:timeline`. */
  private readonly timeline: { n: number; who: string; what: string; outcome: string }[] = [];
  private timelineSeq = 0;

  constructor(opts: ReplOptions = {}) {
    const simOpts: RedSimOptions = { ...opts.sim };
    if (opts.seed !== undefined) simOpts.seed = opts.seed;
    if (opts.virtualTime !== undefined) simOpts.clock = new VirtualClock(opts.virtualTime);
    this.sim = new RedSim(simOpts);
    this.resp = opts.resp ?? 2;
    this.explainer = new Explainer(this.sim);
    // The REPL is interactive: the listener's per-command cost does not matter here.
    this.sim.explain = this.explainer;
    this.client('A');
    this.explainOn = opts.explain === true;
  }

  /** Explain mode: print the explanations after each reply. */
  setExplain(on: boolean): void {
    this.explainOn = on;
  }

  private record(who: string, what: string, outcome: string): void {
    this.timeline.push({ n: ++this.timelineSeq, who, what, outcome: outcome.split('\n')[0] });
    if (this.timeline.length > 1000) this.timeline.shift();
  }

  private named() {
    return [...this.clients.values()].filter((c) => !c.client.closed);
  }

  /** The prompt redis-cli would show for the current client (or NAME), with its name first. */
  prompt(name: string = this.current): string {
    const c = this.client(name).client;
    return `${name} 127.0.0.1:6379${c.db.id !== 0 ? `[${c.db.id}]` : ''}${c.multi ? '(TX)' : ''}> `;
  }

  /** Handle one input line (a byte string). Returns the bytes to print and whether to quit. */
  async line(input: string): Promise<{ out: string; quit: boolean }> {
    this.handling = true;
    try {
      const r = await this.dispatch(input.endsWith('\r') ? input.slice(0, -1) : input);
      await tick(); // replies released by this line come right after it
      return { out: r.out + this.takeHeld(), quit: r.quit };
    } finally {
      this.handling = false;
    }
  }

  close(): void {
    // Leaving is SHUTDOWN NOSAVE to a script still running: stop it even if it wrote.
    const running = scriptingOf(this.sim).current;
    if (running) running.killed = true;
    this.sim.stop();
  }

  private takeHeld(): string {
    const s = this.held;
    this.held = '';
    return s;
  }

  private emit(bytes: string): void {
    if (this.handling) this.held += bytes;
    else this.onAsync(bytes);
  }

  /** Get (or connect) a client by name. A client closed by QUIT/CLIENT KILL reconnects. */
  private client(name: string): ReplClient {
    let rc = this.clients.get(name);
    if (!rc || rc.client.closed) {
      const client = this.sim.createClient({ addr: `127.0.0.1:${this.nextPort++}`, laddr: '127.0.0.1:6379' });
      // redis-cli -3 says HELLO 3 on connect and prints nothing of it.
      if (this.resp === 3) this.sim.execute(client, ['HELLO', '3']);
      rc = { name, client, blockedOn: null, running: null };
      this.clients.set(name, rc);
    }
    return rc;
  }

  private async dispatch(line: string): Promise<{ out: string; quit: boolean }> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return { out: '', quit: false };
    if (trimmed.startsWith(':')) return { out: this.replCommand(trimmed), quit: false };
    let name = this.current;
    let rest = line;
    if (trimmed.startsWith('@')) {
      const m = /^@(\S*)\s*([\s\S]*)$/.exec(trimmed)!;
      if (!NAME_RE.test(m[1])) return { out: `bad client name '@${m[1]}' (letters, digits, _ . -)\n`, quit: false };
      name = m[1];
      rest = m[2];
    }
    const argv = splitArgBytes(rest);
    if (argv === null) return { out: 'Invalid argument(s)\n', quit: false };
    const rc = this.client(name);
    if (argv.length === 0) return { out: '', quit: false };
    const first = argv[0].toLowerCase();
    if (first === 'quit' || first === 'exit') return { out: '', quit: true };
    if (rc.client.blocked) {
      return { out: `client ${name} is blocked in ${rc.blockedOn}: send from another client (@NAME ...) or wait for its reply\n`, quit: false };
    }
    if (rc.running !== null) {
      // Like redis-cli, this client is waiting for its reply; the others are free.
      return { out: `client ${name} is waiting for its script (${rc.running}): send from another client (@NAME ...), e.g. @NAME SCRIPT KILL\n`, quit: false };
    }
    return { out: await this.send(rc, argv), quit: false };
  }

  private render(rc: ReplClient, argv: string[], r: Reply): string {
    return isRawOutput(argv) ? renderReplyRaw(r, rc.client.resp) : renderReply(r, rc.client.resp);
  }

  private async send(rc: ReplClient, argv: string[]): Promise<string> {
    const ex = this.explainer;
    const pre = ex.before(this.named());
    const kind = lookupCommand(argv)?.fullname;
    if (kind === 'script|kill' || kind === 'function|kill') ex.noteKill(rc.name, ex.killContext());
    const shownCmd = showCmd(argv);
    const say = (reply: Reply | 'blocked' | 'running', prefix = ''): string => {
      const lines = ex.explain(rc, argv, reply, pre.get(rc.client));
      if (reply !== 'blocked' && reply !== 'running') lines.push(...ex.afterLine(this.named(), pre, rc, argv));
      return this.explainOn ? lines.map((l) => `${prefix}-- ${l}\n`).join('') : '';
    };
    const r = this.sim.execute(rc.client, argv);
    if (!(r instanceof Promise)) {
      const text = this.render(rc, argv, r);
      this.record(rc.name, shownCmd, text);
      return text + say(r);
    }
    const shown = argv.map(reprBytes).join(' ');
    const late = (reply: Reply) => {
      const prefix = `${rc.name}: `;
      const text = this.render(rc, argv, reply);
      // Continuation lines line up under the first one.
      const indented = text.replace(/\n(?=.)/g, '\n' + ' '.repeat(prefix.length));
      this.record(rc.name, `(reply to ${shownCmd})`, text);
      this.emit(prefix + indented + say(reply, ' '.repeat(prefix.length)));
    };
    if (!rc.client.blocked) {
      // A script past busy-reply-threshold: it keeps running in slices on the event
      // loop while the prompt stays usable (other clients get BUSY, SCRIPT KILL works).
      rc.running = shown;
      this.record(rc.name, shownCmd, '(still running)');
      void r.then((reply) => { rc.running = null; late(reply); });
      const kill = /^fcall/i.test(argv[0]) ? 'FUNCTION KILL' : 'SCRIPT KILL';
      return `(script still running after busy-reply-threshold: other clients get BUSY; @NAME ${kill} stops it)\n` + say('running');
    }
    rc.blockedOn = shown;
    this.record(rc.name, shownCmd, '(blocked)');
    void r.then((reply) => { rc.blockedOn = null; late(reply); });
    return '(blocked)\n' + say('blocked');
  }

  private replCommand(line: string): string {
    const [cmd, ...args] = line.split(/\s+/);
    switch (cmd.toLowerCase()) {
      case ':help':
        return REPL_HELP;
      case ':use': {
        const name = args[0] ?? '';
        if (args.length !== 1 || !NAME_RE.test(name)) return 'usage: :use NAME\n';
        this.current = name;
        this.client(name);
        return '';
      }
      case ':clients':
        return this.listClients();
      case ':time': {
        const ex = this.explainer;
        const pre = ex.before(this.named());
        const out = this.time(args);
        if (args.length === 1 && out.startsWith('virtual time')) this.record('clock', `:time ${args[0]}`, out);
        const lines = ex.afterLine(this.named(), pre, null, null);
        return this.explainOn ? out + lines.map((l) => `-- ${l}\n`).join('') : out;
      }
      case ':timeline':
        return this.showTimeline(args);
      case ':explain':
        if (args.length !== 1 || !/^(on|off)$/i.test(args[0])) return `usage: :explain on|off (now ${this.explainOn ? 'on' : 'off'})\n`;
        this.setExplain(args[0].toLowerCase() === 'on');
        return '';
      default:
        return `unknown REPL command '${cmd}' (:help lists them)\n`;
    }
  }

  private listClients(): string {
    let out = '';
    const width = Math.max(...[...this.clients.keys()].map((n) => n.length));
    for (const [name, rc] of this.clients) {
      const c = rc.client;
      if (c.closed) continue;
      const parts = [`id=${c.id} db=${c.db.id}`];
      if (c.multi) {
        const doom = this.explainer.doomedBy.get(c);
        const q = c.queue.length ? ': ' + c.queue.map((x) => showCmd(x.argv)).join(' ') : '';
        parts.push(`MULTI queued=${c.queue.length}${q}${c.dirtyExec ? ` (${doom ? showCmd(doom) : 'a command'} was rejected: EXEC will abort)` : ''}`);
      } else parts.push('no MULTI');
      if (c.watched.length > 0) {
        parts.push('WATCH ' + c.watched.map((w) => (w.db.id === c.db.id ? '' : `${w.db.id}:`) + reprBytes(w.key)).join(' '));
      }
      // Redis forgets the watched keys once one of them is touched; the flag stays until EXEC.
      if (c.dirtyCas) {
        const why = this.explainer.watchBroken.get(c)?.text;
        parts.push(why ? `(${why}: EXEC will fail)` : '(a watched key changed: EXEC will fail)');
      }
      const subs = [...c.subChannels].map(reprBytes).concat([...c.subPatterns].map((p) => `pattern ${reprBytes(p)}`), [...c.subShard].map((p) => `shard ${reprBytes(p)}`));
      if (subs.length) parts.push(`subscribed to ${subs.join(' ')}`);
      if (c.blocked) parts.push(`blocked in ${rc.blockedOn}`);
      if (rc.running !== null) parts.push(`running ${rc.running}`);
      out += `${name === this.current ? '*' : ' '} ${name.padEnd(width)}  ${parts.join('  ')}\n`;
    }
    return out;
  }

  /** `:timeline [N]`: the last N (20) things each client ran, in order, with the outcome. */
  private showTimeline(args: string[]): string {
    const n = args.length === 0 ? 20 : /^[1-9][0-9]{0,3}$/.test(args[0]) && args.length === 1 ? Number(args[0]) : -1;
    if (n < 0) return 'usage: :timeline [N]\n';
    const rows = this.timeline.slice(-n);
    const w = Math.max(0, ...rows.map((r) => r.who.length));
    return rows.map((r) => `${String(r.n).padStart(4)}  ${r.who.padEnd(w)}  ${r.what}  -> ${r.outcome}\n`).join('');
  }

  private time(args: string[]): string {
    const clock = this.sim.clock;
    if (!(clock instanceof VirtualClock)) return 'virtual time is off: start the REPL with --virtual-time MS\n';
    const show = () => `virtual time ${clock.now()} ms (${new Date(clock.now()).toISOString()})\n`;
    if (args.length === 0) return show();
    const m = /^(\+?)([0-9]+)$/.exec(args[0]);
    if (args.length !== 1 || !m) return 'usage: :time [+MS | MS]\n';
    const n = Number(m[2]);
    if (m[1] === '+') clock.advance(n);
    else if (n * 1000 < clock.nowUs()) return 'the virtual clock does not go backwards\n';
    else clock.set(n);
    return show();
  }
}
