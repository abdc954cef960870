#!/usr/bin/env node
/**
 * The `redsim` command: `redsim serve` (a RESP server on TCP),
 * `redsim run [FILE]` (a redis-cli-like batch session against one instance),
 * `redsim repl` (an interactive shell with several clients),
 * `redsim replay FILE` (deterministic replay of a MONITOR trace or an AOF) and
 * `redsim check-script FILE` (static checks of a Lua script).
 */
import { readFileSync, existsSync, realpathSync, openSync, readSync, closeSync } from 'node:fs';
import { createInterface, clearLine, cursorTo } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { RedSim, type RedSimOptions } from '../server.js';
import { loadRdbFile, rdbPath } from '../persistence/persistence.js';
import { startAofOnBoot } from '../persistence/aof.js';
import { VirtualClock } from '../clock.js';
import { RedSimServer } from '../net/server.js';
import { RedSimCluster } from '../cluster/cluster.js';
import { runScript, type RunOptions } from './run.js';
import { ReplSession, type ReplOptions } from './repl.js';
import { runLesson } from './lesson.js';
import { replay, readTrace, detectFormat, keyspaceDigest, type ReplayOptions, type TraceFormat } from '../replay/replay.js';
import { checkScript } from '../scripting/static-check.js';
import { parseEvalShebang, SCRIPT_FLAG } from '../scripting/shebang.js';
import { fromText } from '../util/bytes.js';

function packageVersion(): string {
  // dist/src/cli/main.js and src/cli/main.ts sit at different depths.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version ?? '0.0.0';
      } catch {
        break;
      }
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be an integer.`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}.`);
    return n;
  };
}

/** --config name=value, repeatable: CONFIG SET-style overrides. */
function collectConfig(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected name=value.');
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('redsim')
    .description('In-memory simulator of Redis 7.0 semantics')
    .version(packageVersion());

  program
    .command('serve')
    .description('serve RESP2/RESP3 over TCP, like redis-server')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', intArg('port', 0, 65535), 6379)
    .option('--bind <address>', 'interface to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed for the random source', intArg('seed', -(2 ** 53), 2 ** 53))
    .option('--config <name=value>', 'configuration override (repeatable)', collectConfig, {})
    .option('--user <rules>', 'an ACL user as a config file "user" line declares it, e.g. "alice on >pw ~* +@all" (repeatable)',
      (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--cluster <masters>', 'a simulated Redis Cluster of N masters on consecutive ports from --port', intArg('cluster', 1, 1000))
    .option('--virtual-time <ms>', 'run on a virtual clock starting at this time (ms since the epoch); move it with REDSIM.CLOCK', intArg('virtual-time', 0, 2 ** 53))
    .option('--control-commands', 'accept the REDSIM.CLOCK GET|ADVANCE|SET control commands (tests that only have a socket)')
    .action(async (o: { port: number; bind: string; seed?: number; config: Record<string, string>; cluster?: number; user: string[]; virtualTime?: number; controlCommands?: boolean }) => {
      const simOpts: RedSimOptions = { config: o.config, users: o.user };
      if (o.seed !== undefined) simOpts.seed = o.seed;
      if (o.virtualTime !== undefined) simOpts.clock = new VirtualClock(o.virtualTime);
      if (o.controlCommands) simOpts.controlCommands = true;
      if (o.cluster !== undefined) {
        await serveCluster(o.cluster, o.port, o.bind, simOpts);
        return;
      }
      const sim = new RedSim(simOpts);
      // As redis-server: load dir/dbfilename when it exists (SAVE/BGSAVE write it).
      try {
        // With appendonly yes the AOF directory is the source, as in Redis 7.0 (the RDB file is not read).
        if (sim.config.get('appendonly') === 'yes') {
          if (startAofOnBoot(sim)) process.stdout.write('redsim: DB loaded from append only file\n');
        } else if (loadRdbFile(sim)) process.stdout.write(`redsim: DB loaded from ${rdbPath(sim)}\n`);
      } catch (e) {
        process.stderr.write(`redsim: ${(e as Error).message}\n`);
        process.exit(1);
      }
      const server = new RedSimServer(sim);
      // SHUTDOWN exits at once, even from inside a script that cannot be killed.
      sim.shutdownHooks.push(() => process.exit(0));
      const addr = await server.listen({ port: o.port, host: o.bind });
      sim.startActiveExpire();
      process.stdout.write(`redsim ${packageVersion()} ready to accept connections on ${addr.address}:${addr.port}\n`);
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        server.close().then(() => process.exit(0), () => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });

  program
    .command('run')
    .description('run redis-cli style command lines (FILE, or stdin) and print the replies as redis-cli does')
    .argument('[file]', 'file with one command per line; stdin when omitted')
    .addOption(new Option('--resp <version>', 'protocol version (redis-cli -3)').choices(['2', '3']).default('2'))
    .option('--seed <n>', 'seed for the random source', intArg('seed', -(2 ** 53), 2 ** 53))
    .option('--virtual-time <ms>', 'run on a virtual clock starting at this time (ms since the epoch)', intArg('virtual-time', 0, 2 ** 53))
    .option('--config <name=value>', 'configuration override (repeatable)', collectConfig, {})
    .action(async (file: string | undefined, o: { resp: string; seed?: number; virtualTime?: number; config: Record<string, string> }) => {
      const input = file === undefined || file === '-' ? await readStdin() : readFileSync(file);
      const opts: RunOptions = { resp: o.resp === '3' ? 3 : 2, sim: { config: o.config } };
      if (o.seed !== undefined) opts.seed = o.seed;
      if (o.virtualTime !== undefined) opts.virtualTime = o.virtualTime;
      await runScript(input.toString('latin1'), opts, (bytes) => {
        process.stdout.write(Buffer.from(bytes, 'latin1'));
      });
    });

  program
    .command('repl')
    .description('interactive redis-cli-like shell with several clients side by side (:help inside)')
    .addOption(new Option('--resp <version>', 'protocol version (redis-cli -3)').choices(['2', '3']).default('2'))
    .option('--seed <n>', 'seed for the random source', intArg('seed', -(2 ** 53), 2 ** 53))
    .option('--virtual-time <ms>', 'run on a virtual clock starting at this time (ms since the epoch); :time moves it', intArg('virtual-time', 0, 2 ** 53))
    .option('--config <name=value>', 'configuration override (repeatable)', collectConfig, {})
    .option('--explain', 'after each reply, say what happened and why (:explain on|off inside)')
    .option('--lesson <file>', 'play a lesson (examples/lessons/): echo each command, its reply and the explanation')
    .option('--no-pause', 'with --lesson: do not wait for Enter between steps')
    .action(async (o: { resp: string; seed?: number; virtualTime?: number; config: Record<string, string>; explain?: boolean; lesson?: string; pause: boolean }) => {
      const opts: ReplOptions = { resp: o.resp === '3' ? 3 : 2, sim: { config: o.config }, explain: o.explain === true };
      if (o.seed !== undefined) opts.seed = o.seed;
      if (o.virtualTime !== undefined) opts.virtualTime = o.virtualTime;
      if (o.lesson !== undefined) {
        const text = readFileSync(o.lesson, 'latin1');
        const write = (bytes: string) => process.stdout.write(Buffer.from(bytes, 'latin1'));
        const tty = !!process.stdin.isTTY && !!process.stdout.isTTY;
        await runLesson(text, opts, write, o.pause && tty ? () => waitForEnter(write) : null);
        return;
      }
      await runRepl(opts);
    });

  program
    .command('replay')
    .description('replay a MONITOR trace or an AOF on a virtual clock, deterministically')
    .argument('<file>', 'trace file: MONITOR output, an .aof file, or a 7.0 AOF manifest')
    .addOption(new Option('--format <format>', 'trace format (default: guessed from the first byte)').choices(['monitor', 'aof']))
    .option('--seed <n>', 'seed for the random source', intArg('seed', -(2 ** 53), 2 ** 53), 0)
    .option('--virtual-time <ms>', 'clock start (ms since the epoch); default: the first timestamp of the trace', intArg('virtual-time', 0, 2 ** 53))
    .addOption(new Option('--print <what>', 'print each command and its reply, or nothing').choices(['replies', 'none']).default('none'))
    .option('--digest', 'print a SHA1 digest of the final keyspace')
    .addOption(new Option('--scripts <mode>', "scripts of a MONITOR trace: 'verify' runs them and checks their commands against the trace's [db lua] lines; 'effects' applies those lines instead").choices(['verify', 'effects']).default('verify'))
    .option('--strict', 'stop at the first malformed trace line (default: report it with its number and skip it)')
    .option('--config <name=value>', 'configuration override (repeatable)', collectConfig, {})
    .action(async (file: string, o: { format?: TraceFormat; seed: number; virtualTime?: number; print: 'replies' | 'none'; digest?: boolean; scripts: 'verify' | 'effects'; strict?: boolean; config: Record<string, string> }) => {
      const format = o.format ?? detectFormat(readHead(file));
      const { entries, warnings } = readTrace(file, format, { strict: o.strict });
      for (const w of warnings) process.stderr.write(`redsim replay: ${file}: ${w}\n`);
      const opts: ReplayOptions = { seed: o.seed, print: o.print, sim: { config: o.config }, scripts: o.scripts };
      if (o.virtualTime !== undefined) opts.startMs = o.virtualTime;
      const out = (bytes: string) => process.stdout.write(Buffer.from(bytes, 'latin1'));
      // Output piped into `head` and the like: stop quietly when the reader goes away.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
      const res = await replay(entries, opts, out);
      if (o.digest) {
        const d = keyspaceDigest(res.sim);
        out(`keyspace digest sha1:${d.sha1} keys=${d.keys}\n`);
      }
      for (const d of res.divergences) process.stderr.write(`redsim replay: ${file}: diverged at ${d}\n`);
      process.stderr.write(`redsim replay: ${res.commands} commands from ${res.clients} client(s), ${res.errors} error replies` +
        (res.stillBlocked ? `, ${res.stillBlocked} client(s) still blocked` : '') +
        (res.effectsApplied ? `, ${res.effectsApplied} unknown script(s) replaced by their recorded effects` : '') +
        (res.divergences.length ? `, ${res.divergences.length} script(s) diverged from the trace` : '') + '\n');
      res.sim.stop();
      if (res.divergences.length) process.exitCode = 3;
    });

  program
    .command('check-script')
    .description('static checks of a Lua script for Redis 7.0 EVAL (FILE:LINE:COL: severity: message)')
    .argument('<file>', 'Lua script')
    .option('--ro', 'the script will run with EVAL_RO (or declares no-writes): flag write commands')
    .action((file: string, o: { ro?: boolean }) => {
      const source = readFileSync(file, 'utf8');
      // A `#!lua flags=no-writes` shebang makes the script read-only too.
      const sb = source.startsWith('#!') ? parseEvalShebang(fromText(source)) : null;
      const readOnly = !!o.ro || (sb !== null && sb.ok && (sb.flags & SCRIPT_FLAG.NO_WRITES) !== 0);
      const findings = checkScript(source, { readOnly });
      if (sb !== null && !sb.ok) findings.unshift({ line: 1, column: 0, severity: 'error', message: `shebang: "ERR ${sb.err}"` });
      for (const f of findings) {
        process.stdout.write(`${file}:${f.line}:${f.column + 1}: ${f.severity}: ${f.message}\n`);
      }
      if (findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });

  return program;
}

/** The first bytes of a file, to guess its format. */
/**
 * `serve --cluster N`: N simulated masters, node i on port + i (a real port is
 * needed for each: MOVED/ASK and CLUSTER SLOTS name it).
 */
async function serveCluster(masters: number, port: number, bind: string, simOpts: RedSimOptions): Promise<void> {
  if (port === 0 || port + masters - 1 > 65535) throw new Error('--cluster needs a --port with room for every node');
  const cluster = new RedSimCluster({ ...simOpts, cluster: { masters, host: bind, basePort: port } });
  const servers = cluster.nodes.map((n) => new RedSimServer(n));
  for (let i = 0; i < servers.length; i++) {
    cluster.nodes[i].shutdownHooks.push(() => process.exit(0));
    const addr = await servers[i].listen({ port: port + i, host: bind });
    cluster.nodes[i].startActiveExpire();
    process.stdout.write(`redsim ${packageVersion()} cluster node ${cluster.state.nodes[i].id} ready on ${addr.address}:${addr.port}\n`);
  }
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    Promise.all(servers.map((s) => s.close())).then(() => process.exit(0), () => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(16);
    return b.subarray(0, readSync(fd, b, 0, 16, 0));
  } finally {
    closeSync(fd);
  }
}

/** Between lesson steps on a terminal. */
function waitForEnter(write: (s: string) => void): Promise<void> {
  write('(Enter for the next step)');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    rl.once('line', () => { rl.close(); resolve(); });
  });
}

/**
 * The REPL on stdin/stdout. On a terminal: prompt, line editing, and late
 * replies printed above the prompt. Piped: bytes in, replies out, no prompt.
 */
async function runRepl(opts: ReplOptions): Promise<void> {
  const session = new ReplSession(opts);
  const tty = !!process.stdin.isTTY && !!process.stdout.isTTY;
  const write = (bytes: string) => process.stdout.write(Buffer.from(bytes, 'latin1'));
  // Piped input is read as bytes (one char per byte); typed input is text.
  if (!tty) process.stdin.setEncoding('latin1');
  const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty });
  session.onAsync = (bytes) => {
    if (!tty) return write(bytes);
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    write(bytes);
    rl.prompt(true);
  };
  if (tty) {
    write('redsim repl: redis-cli syntax; @NAME sends from another client; :help for more\n');
    rl.setPrompt(session.prompt());
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      const { out, quit } = await session.line(tty ? fromText(line) : line);
      write(out);
      if (quit) break;
      if (tty) {
        rl.setPrompt(session.prompt());
        rl.prompt();
      }
    }
  } finally {
    rl.close();
    session.onAsync = () => {};
    session.close();
  }
}

/** True when this file is the program being run (bin symlinks resolved), not an import. */
const isMain = (() => {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`redsim: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
