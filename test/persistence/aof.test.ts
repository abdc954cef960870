/**
 * AOF directories both ways with a real redis-server 7.0.15 (compared by DEBUG
 * DIGEST and a canonical dump), file layout and manifest as 7.0 writes them,
 * truncated tails, DEBUG LOADAOF, BGREWRITEAOF with and without the RDB preamble.
 * The real-server parts are skipped without redis-server.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync, readFileSync, readdirSync, cpSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { redisServerPath } from '../diff/harness.js';
import { spawnRealOnSocket } from './real-server.js';
import { startAofOnBoot, aofOf } from '../../src/persistence/aof.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');
const bin = redisServerPath();
const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterAll(() => { for (const p of procs) p.kill('SIGKILL'); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'redsim-aof-')); dirs.push(d); return d; };

const WORKLOAD: string[][] = [
  ['SET', 'str', 'hello'], ['SET', 'ttl', 'v', 'EX', '3600'], ['INCRBYFLOAT', 'f', '1.5'], ['INCRBYFLOAT', 'f', '0.1'],
  ['RPUSH', 'list', 'a', 'b', 'c', 'd'], ['LPOP', 'list'], ['BLPOP', 'list', '0'],
  ['SADD', 'set', 'x', 'y', 'z', 'w'], ['SPOP', 'set'], ['HSET', 'hash', 'f1', 'v1', 'f2', '2'], ['HINCRBYFLOAT', 'hash', 'f2', '0.5'],
  ['ZADD', 'zset', '1.5', 'a', '-2', 'b', '3', 'c'], ['BZPOPMIN', 'zset', '0'],
  ['XADD', 'stream', '1-1', 'f', 'v'], ['XGROUP', 'CREATE', 'stream', 'grp', '0'],
  ['SET', 'gone', 'x'], ['EXPIRE', 'gone', '100'], ['PEXPIRE', 'str', '500000'], ['GETEX', 'hash2', 'EX', '5'],
  ['SET', 'g', 'v'], ['GETEX', 'g', 'PX', '900000'], ['GETSET', 'g2', 'new'], ['SET', 'gd', '1'], ['GETDEL', 'gd'],
  ['SELECT', '3'], ['SET', 'in3', 'yes'], ['SELECT', '0'],
  ['EVAL', "redis.call('set','s1','1'); redis.call('incr','s1'); return 1", '0'],
  ['MULTI'], ['SET', 'm1', '1'], ['SELECT', '2'], ['SET', 'm2', '2'], ['SELECT', '0'], ['EXEC'],
  ['FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 42 end)"],
];
for (let i = 0; i < 150; i++) WORKLOAD.push(['HSET', 'bighash', `f${i}`, `v${i}`], ['ZADD', 'bigz', String(i / 3), `m${i}`], ['SADD', 'bigset', `s${i}`], ['RPUSH', 'biglist', `e${i}`]);

type Call = (...a: string[]) => Promise<unknown>;

async function canonical(call: Call): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { digest: await call('DEBUG', 'DIGEST') };
  for (const db of ['0', '2', '3']) {
    await call('SELECT', db);
    const keys = ((await call('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = (await call('TYPE', k)) as string;
      const pttl = Number(await call('PTTL', k));
      out[`${db}:${k}`] = { type, d: await call('DEBUG', 'DIGEST-VALUE', k), ttl: pttl > 0 ? 'yes' : pttl };
    }
  }
  await call('SELECT', '0');
  out.functions = await call('FCALL', 'myfunc', '0');
  return out;
}

async function startReal(dir: string, extra: string[] = []): Promise<{ client: { call: Call; quit: () => Promise<unknown>; disconnect: () => void }; proc: ChildProcess }> {
  const { sock, proc } = await spawnRealOnSocket(bin!, dir, ['--appendonly', 'yes', '--enable-debug-command', 'yes', ...extra], procs);
  const client = new IORedis({ path: sock, maxRetriesPerRequest: 1 });
  await client.ping();
  return { client, proc };
}

function newSim(dir: string, config: Record<string, string> = {}): RedSim {
  return new RedSim({ clock: new VirtualClock(Date.now()), seed: 1, config: { dir, 'enable-debug-command': 'yes', ...config } });
}

const manifest = (dir: string) => readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'utf8');

describe('multi-part AOF files', () => {
  it('CONFIG SET appendonly yes writes base, incr and manifest as 7.0 names them; BGREWRITEAOF moves to the next seq', async () => {
    const dir = tmp();
    const sim = newSim(dir);
    const c = sim.connect();
    await c.call('SET', 'a', '1');
    expect(await c.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('OK');
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    await c.call('SET', 'b', '2', 'EX', '100');
    const incr = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    const at = String(sim.clock.now() + 100_000);
    expect(incr).toBe(`*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n$4\r\nPXAT\r\n$${at.length}\r\n${at}\r\n`);
    expect(await c.call('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    expect(readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    const info = (await c.call('INFO', 'persistence')) as string;
    expect(info).toContain('aof_enabled:1');
    expect(info).toContain('aof_rewrites:2');
    await c.call('SET', 'c', '3');
    // A new server loads the directory: base then incr.
    const sim2 = newSim(dir, { appendonly: 'yes' });
    expect(startAofOnBoot(sim2)).toBe(true);
    const c2 = sim2.connect();
    expect(await c2.call('MGET', 'a', 'b', 'c')).toEqual(['1', '2', '3']);
    expect(Number(await c2.call('PTTL', 'b'))).toBeGreaterThan(99_000);
    aofStop(sim); aofStop(sim2);
  });

  it('aof-timestamp-enabled writes #TS annotations; aof-use-rdb-preamble no writes a command base', async () => {
    const dir = tmp();
    const sim = newSim(dir, { 'aof-timestamp-enabled': 'yes', 'aof-use-rdb-preamble': 'no' });
    const c = sim.connect();
    await c.call('RPUSH', 'l', 'a', 'b');
    await c.call('CONFIG', 'SET', 'appendonly', 'yes');
    const base = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.base.aof'), 'latin1');
    expect(base).toBe(`#TS:${Math.floor(sim.clock.now() / 1000)}\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n`);
    await c.call('SET', 'k', 'v');
    const incr = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr.startsWith(`#TS:${Math.floor(sim.clock.now() / 1000)}\r\n*2\r\n$6\r\nSELECT`)).toBe(true);
    await c.call('FLUSHALL');
    expect(await c.call('DEBUG', 'LOADAOF')).toBe('OK');
    expect(await c.call('LRANGE', 'l', '0', '-1')).toEqual([]);
    expect(await c.call('GET', 'k')).toBe(null);
    aofStop(sim);
  });

  it('a truncated tail is cut off with aof-load-truncated yes and refused with no', async () => {
    const dir = tmp();
    const sim = newSim(dir);
    const c = sim.connect();
    await c.call('CONFIG', 'SET', 'appendonly', 'yes');
    await c.call('SET', 'a', '1');
    aofStop(sim);
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1');
    const strict = newSim(dir, { appendonly: 'yes', 'aof-load-truncated': 'no' });
    expect(() => startAofOnBoot(strict)).toThrow(/Bad file format/);
    const sim2 = newSim(dir, { appendonly: 'yes' });
    expect(startAofOnBoot(sim2)).toBe(true);
    expect(await sim2.connect().call('MGET', 'a', 'b')).toEqual(['1', null]);
    expect(readFileSync(incr, 'latin1').endsWith('$1\r\n1\r\n')).toBe(true);
    aofStop(sim2);
    // A MULTI without its EXEC at the end is a truncated tail too.
    appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n1\r\n');
    const sim3 = newSim(dir, { appendonly: 'yes' });
    startAofOnBoot(sim3);
    expect(await sim3.connect().call('GET', 'c')).toBe(null);
    aofStop(sim3);
  });
});

function aofStop(sim: RedSim): void { aofOf(sim).stop(); }

describe.skipIf(!bin)('AOF directories against a real redis-server 7.0.15', () => {
  for (const preamble of ['yes', 'no']) {
    it(`redsim's AOF directory (rdb preamble ${preamble}) loads in Redis to the same digest`, async () => {
      const dir = tmp();
      const sim = newSim(dir, { 'aof-use-rdb-preamble': preamble });
      const c = sim.connect();
      for (const cmd of WORKLOAD.slice(0, 20)) await c.call(...cmd);
      await c.call('CONFIG', 'SET', 'appendonly', 'yes');
      for (const cmd of WORKLOAD.slice(20)) await c.call(...cmd);
      const mine = await canonical((...a) => c.call(...a));
      aofStop(sim);
      const rdir = tmp();
      cpSync(path.join(dir, 'appendonlydir'), path.join(rdir, 'appendonlydir'), { recursive: true });
      const { client } = await startReal(rdir);
      const theirs = await canonical((...a) => client.call(...a));
      await client.quit();
      expect(theirs).toEqual(mine);
    });
  }

  it("Redis's AOF directory loads in redsim to the same digest", async () => {
    const rdir = tmp();
    const { client } = await startReal(rdir, ['--aof-timestamp-enabled', 'yes']);
    for (const cmd of WORKLOAD) await client.call(...cmd);
    const theirs = await canonical((...a) => client.call(...a));
    await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    client.disconnect();
    const dir = tmp();
    cpSync(path.join(rdir, 'appendonlydir'), path.join(dir, 'appendonlydir'), { recursive: true });
    writeFileSync(path.join(dir, 'marker'), '');
    const sim = newSim(dir, { appendonly: 'yes' });
    expect(startAofOnBoot(sim)).toBe(true);
    const c = sim.connect();
    const mine = await canonical((...a) => c.call(...a));
    aofStop(sim);
    expect(mine).toEqual(theirs);
  });
});
