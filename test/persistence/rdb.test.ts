/**
 * RDB files both ways with a real redis-server 7.0.15: redsim's dump.rdb loaded
 * by Redis, and Redis's dump.rdb loaded by redsim, compared key by key (type,
 * value in a canonical form, TTL). Skipped with a notice without redis-server.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, copyFileSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { redisServerPath } from '../diff/harness.js';
import { spawnRealOnSocket } from './real-server.js';
import { loadRdbBuffer } from '../../src/persistence/persistence.js';
import { encodeRdb } from '../../src/persistence/rdb-file.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');
const bin = redisServerPath();
const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterAll(() => { for (const p of procs) p.kill('SIGKILL'); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const WORKLOAD: string[][] = [
  ['SET', 'str', 'hello'], ['SET', 'int', '12345'], ['SET', 'big', 'x'.repeat(100)], ['SET', 'ttl', 'v', 'PX', '3600000'],
  ['RPUSH', 'list', 'a', 'b', '3', 'dd'], ['SADD', 'iset', '1', '2', '300000'], ['SADD', 'sset', 'a', 'b', 'c'],
  ['HSET', 'hash', 'f1', 'v1', 'f2', '2'], ['ZADD', 'zset', '1.5', 'a', '-2', 'b', 'inf', 'c'],
  ['XADD', 'stream', '1-1', 'f', 'v'], ['XADD', 'stream', '2-0', 'g', 'w'], ['XGROUP', 'CREATE', 'stream', 'grp', '0'],
  ['SELECT', '3'], ['SET', 'in3', 'yes'], ['SELECT', '0'],
  ['FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 42 end)"],
];
// Encodings beyond the listpack thresholds.
for (let i = 0; i < 200; i++) WORKLOAD.push(['HSET', 'bighash', `f${i}`, `v${i}`], ['ZADD', 'bigz', String(i), `m${i}`], ['SADD', 'bigset', `s${i}`]);

/** A database as a canonical JSON-able object. */
async function canonical(call: (...a: string[]) => Promise<unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const db of ['0', '3']) {
    await call('SELECT', db);
    const keys = ((await call('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = (await call('TYPE', k)) as string;
      let v: unknown;
      if (type === 'string') v = await call('GET', k);
      else if (type === 'list') v = await call('LRANGE', k, '0', '-1');
      else if (type === 'set') v = ((await call('SMEMBERS', k)) as string[]).sort();
      else if (type === 'hash') { const f = (await call('HGETALL', k)) as string[]; const pairs = []; for (let i = 0; i < f.length; i += 2) pairs.push(f[i] + '=' + f[i + 1]); v = pairs.sort(); }
      else if (type === 'zset') v = await call('ZRANGE', k, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') v = [await call('XRANGE', k, '-', '+'), await call('XINFO', 'GROUPS', k)];
      const pttl = Number(await call('PTTL', k));
      out[`${db}:${k}`] = { type, v, ttl: pttl > 0 ? 'yes' : pttl, enc: await call('OBJECT', 'ENCODING', k) };
    }
  }
  await call('SELECT', '0');
  out.functions = await call('FCALL', 'myfunc', '0');
  return out;
}

async function startReal(dir: string): Promise<{ client: { call: (...a: string[]) => Promise<unknown>; quit: () => Promise<unknown> }; proc: ChildProcess }> {
  const { sock, proc } = await spawnRealOnSocket(bin!, dir, ['--dbfilename', 'dump.rdb', '--appendonly', 'no', '--enable-debug-command', 'yes'], procs);
  const client = new IORedis({ path: sock, maxRetriesPerRequest: 1 });
  await client.ping();
  return { client, proc };
}

describe.skipIf(!bin)('RDB files against a real redis-server 7.0.15', () => {
  it("redsim's dump.rdb loads in Redis with the same keys, values, TTLs, encodings and functions", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-rdb-')); dirs.push(dir);
    const sim = new RedSim({ seed: 1, config: { dir } });
    const c = sim.connect();
    for (const cmd of WORKLOAD) await c.call(...cmd);
    expect(await c.call('SAVE')).toBe('OK');
    const mine = await canonical((...a) => c.call(...a));
    const { client } = await startReal(dir);
    const theirs = await canonical((...a) => client.call(...a));
    await client.quit();
    expect(theirs).toEqual(mine);
  }, 30_000);

  it("Redis's dump.rdb loads in redsim with the same content", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-rdb-')); dirs.push(dir);
    const { client } = await startReal(dir);
    for (const cmd of WORKLOAD) await client.call(...cmd);
    expect(await client.call('SAVE')).toBe('OK');
    const theirs = await canonical((...a) => client.call(...a));
    await client.quit();
    const sim = new RedSim({ seed: 1 });
    loadRdbBuffer(sim, readFileSync(path.join(dir, 'dump.rdb')));
    const c = sim.connect();
    expect(await canonical((...a) => c.call(...a))).toEqual(theirs);
  }, 30_000);
});

describe('SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD in redsim', () => {
  it('DEBUG RELOAD keeps the keyspace; LASTSAVE moves on save; BGSAVE writes asynchronously', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-rdb-')); dirs.push(dir);
    const clock = new VirtualClock(1_800_000_000_000);
    const sim = new RedSim({ seed: 1, clock, config: { dir, 'enable-debug-command': 'yes' } });
    const c = sim.connect();
    for (const cmd of WORKLOAD) await c.call(...cmd);
    const before = await canonical((...a) => c.call(...a));
    expect(await c.call('LASTSAVE')).toBe(1_800_000_000);
    clock.advance(5_000);
    expect(await c.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await c.call('LASTSAVE')).toBe(1_800_000_005);
    expect(await canonical((...a) => c.call(...a))).toEqual(before);
    await expect(c.call('DEBUG', 'RELOAD', 'bogus')).rejects.toThrow('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    expect(await c.call('BGSAVE')).toBe('Background saving started');
    await expect(c.call('BGSAVE')).rejects.toThrow('ERR Background save already in progress');
    await expect(c.call('SAVE')).rejects.toThrow('ERR Background save already in progress');
    await expect(c.call('BGSAVE', 'foo')).rejects.toThrow('ERR syntax error');
    for (let i = 0; i < 100 && (await c.call('INFO', 'persistence') as string).includes('rdb_bgsave_in_progress:1'); i++) await new Promise((r) => setTimeout(r, 10));
    const img = readFileSync(path.join(dir, 'dump.rdb'));
    const other = new RedSim({ seed: 2 });
    loadRdbBuffer(other, img);
    const o = other.connect();
    expect(await canonical((...a) => o.call(...a))).toEqual(before);
  });

  it('a corrupt file is refused with the reason, not half-loaded', () => {
    const sim = new RedSim({ seed: 1 });
    sim.connect().callSync('SET', 'k', 'v');
    const img = Buffer.concat(encodeRdb(sim, { now: 0 }));
    img[img.length - 12] ^= 0xff;
    const target = new RedSim({ seed: 1 });
    expect(() => loadRdbBuffer(target, img)).toThrow(/checksum|Bad data|Short read/);
    expect(() => loadRdbBuffer(target, Buffer.from('NOTREDIS'))).toThrow('Wrong signature trying to load DB from file');
    writeFileSync(path.join(tmpdir(), 'unused'), '');
  });
});
