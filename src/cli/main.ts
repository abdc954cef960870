#!/usr/bin/env node
/**
 * The `redsim` command: `redsim serve` (a RESP server on TCP) and
 * `redsim run [FILE]` (a redis-cli-like batch session against one instance).
 */
import { readFileSync, existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { RedSim, type RedSimOptions } from '../server.js';
import { RedSimServer } from '../net/server.js';
import { runScript, type RunOptions } from './run.js';

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
    .action(async (o: { port: number; bind: string; seed?: number; config: Record<string, string> }) => {
      const simOpts: RedSimOptions = { config: o.config };
      if (o.seed !== undefined) simOpts.seed = o.seed;
      const sim = new RedSim(simOpts);
      const server = new RedSimServer(sim);
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

  return program;
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
