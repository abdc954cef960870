#!/usr/bin/env node
/**
 * `redsim-server`: a drop-in for `redis-server` on the command line, so harnesses
 * that spawn redis-server (Redis's own Tcl suite in its normal mode, test
 * fixtures with a configurable binary) can spawn redsim instead:
 *
 *   redsim-server [/path/to/redis.conf] [-] [--name value ...]
 *
 * As redis-server: the config file, then stdin (`-`), then the `--name value`
 * options are read as one configuration, line by line (options may take several
 * words); a bad line stops start-up with Redis's FATAL CONFIG FILE ERROR report
 * and exit code 1. The log (stdout, or `logfile`) has Redis's line format and the
 * "Ready to accept connections" line harnesses wait for; `pidfile` is written;
 * `dir` becomes the working directory; dir/dbfilename is loaded when present.
 */
import { readFileSync, writeFileSync, appendFileSync, unlinkSync, existsSync } from 'node:fs';
import path from 'node:path';
import { RedSim, type RedSimOptions } from '../server.js';
import { RedSimServer } from '../net/server.js';
import { Config } from '../config.js';
import { splitArgs } from './split.js';
import { loadRdbFile, rdbPath } from '../persistence/persistence.js';
import { startAofOnBoot } from '../persistence/aof.js';
import { toText } from '../util/bytes.js';

const VERSION = '7.0.15';

export class ConfigFileError extends Error {
  constructor(readonly line: number | null, readonly text: string | null, reason: string) { super(reason); }
}

interface ParsedConfig { values: Record<string, string>; users: string[]; bind: string[] }

/** The text redis-server builds from its arguments: file, stdin, then options as lines. */
export function configText(argv: string[], readFile: (p: string) => string, readStdin: () => string): string {
  let j = 0;
  let text = '';
  if (argv[0] !== undefined && !argv[0].startsWith('--') && argv[0] !== '-') {
    text += readFile(argv[0]);
    j = 1;
  }
  if (argv[j] === '-') { text += '\n' + readStdin(); j++; }
  let opts = '';
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a.startsWith('--') && a.length > 2) {
      if (opts) opts += '\n';
      opts += a.slice(2) + ' ';
    } else if (opts) {
      // An option's arguments: quoted so that spaces and '' survive the line split.
      opts += '"' + a.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '" ';
    } else {
      throw new ConfigFileError(null, null, `Invalid option '${a}': options start with --`);
    }
  }
  // loadServerConfig appends the options after a newline, whatever came before.
  return text + '\n' + opts;
}

/** Parse configuration text as loadServerConfigFromString does; throws ConfigFileError. */
export function parseConfig(text: string, readFile: (p: string) => string): ParsedConfig {
  const out: ParsedConfig = { values: {}, users: [], bind: [] };
  const probe = new Config();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const args = splitArgs(line);
    const fail = (reason: string) => new ConfigFileError(i + 1, line, reason);
    if (!args) throw fail('Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    const name = args[0].toLowerCase();
    const rest = args.slice(1).map(toText);
    if (name === 'include') {
      if (rest.length !== 1) throw fail('Bad directive or wrong number of arguments');
      const sub = parseConfig(readFile(rest[0]), readFile);
      Object.assign(out.values, sub.values);
      out.users.push(...sub.users);
      if (sub.bind.length) out.bind = sub.bind;
      continue;
    }
    if (name === 'user') { out.users.push(rest.join(' ')); continue; }
    if (name === 'bind') { out.bind = rest; out.values.bind = rest.join(' '); continue; }
    if (name === 'loadmodule') throw fail('redsim cannot load modules (loadmodule)');
    if (name === 'rename-command') throw fail('redsim does not support rename-command');
    if (name === 'slaveof' || name === 'replicaof') throw fail('redsim runs as a master only: replicaof is not supported');
    const canon = probe.canonical(name);
    if (!canon || rest.length === 0) throw fail('Bad directive or wrong number of arguments');
    // "save" takes pairs, and several save lines add up; other multi-word values keep their words.
    const value = name === 'save' ? (rest.length === 1 && rest[0] === '' ? '' : [out.values.save ?? '', rest.join(' ')].filter(Boolean).join(' ')) : rest.join(' ');
    const v = probe.validate(canon, value);
    // Immutable and protected parameters are fine here: only CONFIG SET refuses them.
    if ('error' in v && v.error !== probe.refusal(canon)) throw fail(v.error);
    out.values[canon] = 'ok' in v ? v.ok : value;
  }
  return out;
}

/** Redis's log line: `pid:M 06 Dec 2026 08:10:11.123 * message`. */
function logLine(level: '.' | '-' | '*' | '#', msg: string): string {
  const d = new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${p2(d.getDate())} ${mon} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return `${process.pid}:M ${ts} ${level} ${msg}\n`;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`Redis server v=${VERSION} sha=00000000:0 malloc=libc bits=64 build=redsim\n`);
    return 0;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write('Usage: redsim-server [/path/to/redis.conf] [options] [-]\n' +
      '       redsim-server - (read config from stdin)\n       redsim-server -v or --version\n\n' +
      'Examples:\n       redsim-server (run with the defaults)\n       redsim-server /etc/redis/6379.conf\n' +
      '       redsim-server --port 7777\n       redsim-server --port 7777 --replicaof 127.0.0.1 8888 (refused: no replicas)\n');
    return 0;
  }
  let cfg: ParsedConfig;
  try {
    const text = configText(argv, (p) => readFileSync(p, 'utf8'), () => readFileSync(0, 'utf8'));
    cfg = parseConfig(text, (p) => readFileSync(p, 'utf8'));
  } catch (e) {
    if (e instanceof ConfigFileError) {
      let msg = `\n*** FATAL CONFIG FILE ERROR (Redis ${VERSION}) ***\n`;
      if (e.line !== null) msg += `Reading the configuration file, at line ${e.line}\n>>> '${e.text}'\n`;
      process.stderr.write(msg + e.message + '\n');
      return 1;
    }
    process.stderr.write(`Fatal error, can't open config file '${argv[0]}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}\n`);
    return 1;
  }
  const v = cfg.values;
  const logfile = v.logfile ?? '';
  const log = (level: '.' | '-' | '*' | '#', msg: string) => {
    const line = logLine(level, msg);
    if (logfile) appendFileSync(logfile, line);
    else process.stdout.write(line);
  };
  if (v.dir) {
    try { process.chdir(v.dir); } catch (e) {
      log('#', `Can't chdir to '${v.dir}': ${(e as Error).message}`);
      return 1;
    }
    v.dir = process.cwd();
  }
  if (v.daemonize === 'yes') log('#', 'redsim-server does not daemonize: running in the foreground (daemonize yes ignored)');
  const port = v.port !== undefined ? Number(v.port) : 6379;
  const host = cfg.bind[0] && cfg.bind[0] !== '*' ? cfg.bind[0].replace(/^-/, '') : '127.0.0.1';
  const simOpts: RedSimOptions = { config: { ...v, port: String(port) }, users: cfg.users };
  const sim = new RedSim(simOpts);
  log('*', 'oO0OoO0OoO0Oo redsim (Redis-compatible server) is starting oO0OoO0OoO0Oo');
  log('*', `Redis version=${VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`);
  if (v['always-show-logo'] === 'yes' || (!logfile && process.stdout.isTTY)) {
    // Harnesses find the server's pid in the startup banner (" PID: <pid>").
    log('*', `redsim ${VERSION}-compatible, standalone mode, port ${port}, PID: ${process.pid}`);
  } else {
    log('*', `Running mode=standalone, port=${port}.`);
  }
  log('#', 'Server initialized');
  try {
    // appendonly yes: the AOF directory is the source (7.0 then ignores the RDB file).
    if (sim.config.get('appendonly') === 'yes') {
      if (startAofOnBoot(sim)) log('*', 'DB loaded from append only file');
    } else if (loadRdbFile(sim)) log('*', `DB loaded from disk: ${rdbPath(sim)}`);
  } catch (e) {
    log('#', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    return 1;
  }
  const server = new RedSimServer(sim);
  try {
    if (port !== 0) await server.listen({ port, host });
  } catch (e) {
    log('#', `Warning: Could not create server TCP listening socket ${host}:${port}: ${(e as Error).message}`);
    log('#', `Failed listening on port ${port} (TCP), aborting.`);
    return 1;
  }
  const pidfile = v.pidfile;
  if (pidfile) { try { writeFileSync(pidfile, `${process.pid}\n`); } catch { log('#', `Failed to write PID file: ${pidfile}`); } }
  sim.startActiveExpire();
  log('*', 'Ready to accept connections');
  const exit = (code: number) => {
    if (pidfile && existsSync(pidfile)) { try { unlinkSync(pidfile); } catch { /* gone */ } }
    log('#', 'Redis is now ready to exit, bye bye...');
    process.exit(code);
  };
  sim.shutdownHooks.push(() => exit(0));
  const onSignal = (name: string) => () => {
    log('#', `Received ${name} scheduling shutdown...`);
    void server.close().then(() => exit(0), () => exit(0));
  };
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGTERM', onSignal('SIGTERM'));
  return -1; // keep running
}

// Run when executed as a program (not when imported by tests).
const invoked = process.argv[1] && path.basename(process.argv[1]).replace(/\.js$/, '');
if (invoked === 'redis-server' || invoked === 'redsim-server') {
  main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exit(code); }, (e) => {
    process.stderr.write(`redsim-server: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
