/**
 * The propagation stream against a real redis-server 7.0.15: the same workload on
 * both with appendonly yes, then the incr AOF files' command sequences compared.
 * #TS lines are dropped, and absolute times (PXAT, PEXPIREAT, RESTORE ... ABSTTL)
 * compared within a tolerance, since the two servers read their own wall clocks.
 * Also a few unit checks of the stream itself through RedSim.propagation.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { redisServerPath } from '../diff/harness.js';
import { spawnRealOnSocket } from './real-server.js';
import { aofOf } from '../../src/persistence/aof.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');
const bin = redisServerPath();
const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterAll(() => { for (const p of procs) p.kill('SIGKILL'); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'redsim-prop-')); dirs.push(d); return d; };

type Call = (...a: string[]) => Promise<unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A step: a command on client 1, or a function of both clients (blocking pops, waits). */
type Step = string[] | ((c1: Call, c2: Call) => Promise<void>);

const LIB = "#!lua name=plib\nredis.register_function('pset', function(keys, args) redis.call('set', keys[1], args[1]); return redis.call('incr', keys[2]) end)";

const WORKLOAD: Step[] = [
  ['SET', 'a', '1'], ['GET', 'a'], ['SET', 'b', '2', 'EX', '100'], ['SET', 'c', '3', 'PX', '100000', 'NX'],
  ['SET', 'a', '5', 'GET'], ['SET', 'a', '6', 'KEEPTTL', 'GET'], ['SETEX', 'd', '100', 'v'], ['PSETEX', 'e', '100000', 'v'],
  ['SET', 'x', 'v', 'EXAT', '4102444800'],
  ['EXPIRE', 'a', '100'], ['PEXPIRE', 'a', '200000', 'GT'], ['EXPIREAT', 'a', '4102444800'], ['PEXPIREAT', 'a', '4102444800000'],
  ['EXPIRE', 'missing', '10'], ['SET', 'past', '1'], ['EXPIRE', 'past', '-1'], ['PERSIST', 'a'],
  ['SET', 'g', 'v'], ['GETEX', 'g', 'EX', '100'], ['GETEX', 'g', 'PERSIST'], ['GETEX', 'g'], ['GETEX', 'g', 'PXAT', '1000'],
  ['SET', 'g2', 'v'], ['GETDEL', 'g2'], ['GETSET', 'g3', 'n'],
  ['INCRBYFLOAT', 'f', '1.5'], ['INCRBYFLOAT', 'f', '0.1'], ['SET', 'f2', '10', 'EX', '100'], ['INCRBYFLOAT', 'f2', '2.5e3'],
  ['HSET', 'h', 'n', '1'], ['HINCRBYFLOAT', 'h', 'n', '0.25'],
  ['SADD', 's1', 'only'], ['SPOP', 's1'], ['SADD', 's2', 'a', 'b'], ['SPOP', 's2', '5'], ['SPOP', 'nosuch'],
  ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['BLPOP', 'l', '0'], ['BRPOP', 'l', '0'], ['BLMOVE', 'l', 'l2', 'LEFT', 'RIGHT', '0'],
  ['BRPOPLPUSH', 'l', 'l2', '0'], ['LMPOP', '1', 'l2', 'LEFT', 'COUNT', '5'], ['BLMPOP', '0', '1', 'l', 'RIGHT'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['BZPOPMIN', 'z', '0'], ['BZPOPMAX', 'z', '0'], ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '9'],
  async (c1, c2) => {
    const waiting = c2('BLPOP', 'bl', '0');
    await sleep(50);
    await c1('RPUSH', 'bl', 'x', 'y');
    await waiting;
  },
  async (c1, c2) => {
    const waiting = c2('BZPOPMIN', 'bz', '0');
    await sleep(50);
    await c1('ZADD', 'bz', '1', 'm');
    await waiting;
  },
  ['EVAL', "redis.call('set','s1','1'); redis.call('incr','s1'); return 1", '0'],
  ['EVAL', "return redis.call('get','s1')", '0'], ['EVAL', "redis.call('set','one','1')", '0'],
  ['EVAL', "redis.call('select','4'); redis.call('set','in4','1'); return 1", '0'],
  ['FUNCTION', 'LOAD', LIB], ['FCALL', 'pset', '2', 'fk1', 'fk2', 'v'], ['FCALL_RO', 'pset', '2', 'fk1', 'fk2', 'v'],
  ['MULTI'], ['SET', 'm1', '1'], ['GET', 'm1'], ['SELECT', '2'], ['SET', 'm2', '2'], ['SELECT', '0'], ['EXEC'],
  ['MULTI'], ['GET', 'm1'], ['EXEC'], ['MULTI'], ['INCR', 'm1'], ['EXEC'],
  ['SELECT', '3'], ['SET', 'in3', '1'], ['DEL', 'in3', 'nothing'], ['SELECT', '0'],
  ['SET', 'lazy', 'v', 'PX', '20'], async () => { await sleep(150); }, ['GET', 'lazy'],
  ['SET', 'r', 'v'], async (c1) => {
    const payload = await c1('DUMP', 'r');
    await c1('RESTORE', 'r2', '100000', payload as unknown as string);
    await c1('RESTORE', 'r3', '0', payload as unknown as string);
    await c1('RESTORE', 'r2', '4102444800000', payload as unknown as string, 'REPLACE', 'ABSTTL');
  },
  ['XADD', 'st', '*', 'f', 'v'], ['XADD', 'st', '5-*', 'f', 'v'], ['XADD', 'st', '7', 'f', 'v'], ['XADD', 'st', '9-1', 'f', 'v'],
  ['XADD', 'st', 'MAXLEN', '~', '1', '*', 'f', 'v'], ['XTRIM', 'st', 'MAXLEN', '2'], ['XADD', 'st', 'MINID', '~', '0', '*', 'f', 'v'],
  ['XDEL', 'st', '9-1'], ['XTRIM', 'st', 'MINID', '~', '99999999999999'], ['XTRIM', 'st', 'MAXLEN', '=', '100'],
  ['XGROUP', 'CREATE', 'gs', 'grp', '$', 'MKSTREAM'], ['XADD', 'gs', '1-1', 'a', '1'], ['XADD', 'gs', '1-2', 'b', '2'],
  ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'gs', '>'], ['XREADGROUP', 'GROUP', 'grp', 'alice', 'STREAMS', 'gs', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'bob', 'NOACK', 'STREAMS', 'gs', '>'], ['XREADGROUP', 'GROUP', 'grp', 'bob', 'STREAMS', 'gs', '>'],
  ['XACK', 'gs', 'grp', '1-1'],
  ['FLUSHDB'], ['FLUSHDB'], ['FUNCTION', 'DELETE', 'plib'], ['FUNCTION', 'FLUSH'], ['PUBLISH', 'ch', 'm'],
  ['SET', 'k', 'v'], ['SWAPDB', '0', '1'], ['FLUSHALL'],
];

function parseAof(text: string): string[][] {
  const out: string[][] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text[pos] === '#') { pos = text.indexOf('\n', pos) + 1; continue; }
    const nl = text.indexOf('\r\n', pos);
    const n = Number(text.slice(pos + 1, nl));
    pos = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const l = text.indexOf('\r\n', pos);
      const len = Number(text.slice(pos + 1, l));
      argv.push(text.slice(l + 2, l + 2 + len));
      pos = l + 2 + len + 2;
    }
    out.push(argv);
  }
  return out;
}

/** Absolute times within 10 s of each other count as equal: replace them by a marker when they match. */
function align(mine: string[][], theirs: string[][]): string[][] {
  return mine.map((argv, i) => argv.map((a, j) => {
    const b = theirs[i]?.[j];
    if (b !== undefined && /^\d{12,}$/.test(a) && /^\d{12,}$/.test(b) && Math.abs(Number(a) - Number(b)) < 10_000) return b;
    // Stream ids generated from each server's clock.
    const ia = /^(\d{12,})-\d+$/.exec(a), ib = b === undefined ? null : /^(\d{12,})-\d+$/.exec(b);
    if (ia && ib && Math.abs(Number(ia[1]) - Number(ib[1])) < 10_000) return b;
    return a;
  }));
}

async function startReal(dir: string): Promise<{ c1: Call; c2: Call; close: () => void }> {
  const { sock, proc } = await spawnRealOnSocket(bin!, dir, ['--appendonly', 'yes', '--appendfsync', 'always'], procs);
  const a = new IORedis({ path: sock, maxRetriesPerRequest: 1 });
  const b = new IORedis({ path: sock, maxRetriesPerRequest: 1 });
  await Promise.all([a.ping(), b.ping()]);
  return {
    c1: (...x: string[]) => a.callBuffer(...x), c2: (...x: string[]) => b.callBuffer(...x),
    close: () => { a.disconnect(); b.disconnect(); proc.kill('SIGKILL'); },
  };
}

async function runWorkload(c1: Call, c2: Call): Promise<void> {
  for (const s of WORKLOAD) {
    if (typeof s === 'function') await s(c1, c2);
    else await c1(...s).catch(() => undefined);
  }
}

const incrOf = (dir: string) => readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');

describe.skipIf(!bin)('propagation stream against a real redis-server 7.0.15', () => {
  it('the incr AOF of the same workload holds the same commands', async () => {
    const rdir = tmp();
    const real = await startReal(rdir);
    await runWorkload(real.c1, real.c2);
    await sleep(100);
    const theirs = parseAof(incrOf(rdir));
    if (process.env.SHOW_AOF) console.log(theirs.map((x) => x.join(' ')).join('\n'));
    real.close();

    const dir = tmp();
    const sim = new RedSim({ seed: 1, config: { dir, appendfsync: 'always' } });
    const a = sim.connect(), b = sim.connect();
    await a.call('CONFIG', 'SET', 'appendonly', 'yes');
    await runWorkload((...x) => a.callBuffer(...x), (...x) => b.callBuffer(...x));
    await sleep(50);
    const mine = parseAof(incrOf(dir));
    aofOf(sim).stop();
    expect(theirs.length).toBeGreaterThan(80);
    expect(align(mine, theirs).map((x) => x.join(' '))).toEqual(theirs.map((x) => x.join(' ')));
  }, 30_000);
});

describe('RedSim.propagation', () => {
  const collect = (sim: RedSim) => {
    const got: string[] = [];
    sim.propagation.subscribe((db, argv) => got.push(`${db} ${argv.join(' ')}`));
    return got;
  };

  it('active expiry and eviction emit unwrapped DELs; UNLINK with lazyfree-lazy-expire', async () => {
    const clock = new VirtualClock(1_000_000);
    const sim = new RedSim({ clock, seed: 1, config: { 'lazyfree-lazy-expire': 'yes' } });
    const got = collect(sim);
    const c = sim.connect();
    await c.call('SET', 'k1', 'v', 'PX', '10');
    await c.call('SET', 'k2', 'v', 'PX', '10');
    clock.advance(100);
    sim.activeExpireCycle();
    expect(got.slice(2).sort()).toEqual(['0 UNLINK k1', '0 UNLINK k2']);
  });

  it('read-only commands and scripts that write nothing emit nothing; lazy expiry in a read emits the DEL only', async () => {
    const clock = new VirtualClock(1_000_000);
    const sim = new RedSim({ clock, seed: 1 });
    const got = collect(sim);
    const c = sim.connect();
    await c.call('SET', 'k', 'v', 'PX', '10');
    await c.call('EVAL', "return redis.call('get','k')", '0');
    clock.advance(100);
    await c.call('GET', 'k');
    expect(got).toEqual(['0 SET k v PXAT 1000010', '0 DEL k']);
  });

  it('eviction emits DEL before the command that caused it', async () => {
    const sim = new RedSim({ seed: 1, config: { 'maxmemory-policy': 'allkeys-random' } });
    const got = collect(sim);
    const c = sim.connect();
    for (let i = 0; i < 50; i++) await c.call('SET', `k${i}`, 'x'.repeat(1000));
    const used = Number(/used_memory:(\d+)/.exec((await c.call('INFO', 'memory')) as string)![1]);
    await c.call('CONFIG', 'SET', 'maxmemory', String(used - 5000));
    await c.call('SET', 'new', 'v');
    const tail = got.slice(50);
    expect(tail[tail.length - 1]).toBe('0 SET new v');
    expect(tail.length).toBeGreaterThan(1);
    for (const t of tail.slice(0, -1)) expect(t).toMatch(/^0 DEL k\d+$/);
  });
});
