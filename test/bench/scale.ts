/**
 * npm run bench:scale: issue 15's operations at 10^3, 10^5 and 10^6 elements against
 * `redsim serve` and a real redis-server, both as child processes reached through the
 * same client (ioredis over loopback), printing the time per operation and the ratio
 * redsim/Redis per size. The ratios must not grow with size (cost grows like Redis's).
 * Not a unit test: timings vary with the machine. SCALE_SIZES=1000,100000 limits sizes;
 * SCALE_REDIS_PORT / SCALE_REDSIM_PORT choose the ports.
 */
import { createRequire } from 'node:module';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { redisServerPath } from '../diff/harness.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Client = any;

const SIZES = (process.env.SCALE_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const REDIS_PORT = Number(process.env.SCALE_REDIS_PORT ?? 6431);
const REDSIM_PORT = Number(process.env.SCALE_REDSIM_PORT ?? 6631);
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

interface Server { name: string; proc: ChildProcess; port: number; dir?: string }

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(true); });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port}`);
}

async function startRedis(bin: string): Promise<Server> {
  const dir = mkdtempSync(path.join(tmpdir(), 'redsim-scale-'));
  const proc = spawn(bin, ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitPort(REDIS_PORT);
  return { name: 'redis', proc, port: REDIS_PORT, dir };
}

async function startRedsim(): Promise<Server> {
  const proc = spawn(process.execPath, ['--max-old-space-size=8192', MAIN, 'serve', '--port', String(REDSIM_PORT), '--seed', '1'], { stdio: 'ignore' });
  await waitPort(REDSIM_PORT);
  return { name: 'redsim', proc, port: REDSIM_PORT };
}

function stopServer(s: Server): void {
  s.proc.kill('SIGKILL');
  if (s.dir) rmSync(s.dir, { recursive: true, force: true });
}

/** CPU seconds (user+system) used so far by a process, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(parts[11]) + Number(parts[12])) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fill the server: n string keys with a TTL, a hash, a set and a zset of n elements. */
async function populate(c: Client, n: number): Promise<void> {
  const B = 1000;
  for (let i = 0; i < n; i += B) {
    const p = c.pipeline();
    const end = Math.min(n, i + B);
    for (let j = i; j < end; j++) p.set('key:' + j, 'v', 'EX', '100000');
    const f: string[] = [], m: string[] = [], z: string[] = [];
    for (let j = i; j < end; j++) { f.push('f:' + j, 'v'); m.push('m:' + j); z.push(String(j), 'm:' + j); }
    p.hset('h', ...f);
    p.sadd('s', ...m);
    p.zadd('z', ...z);
    await p.exec();
  }
}

/**
 * Median microseconds of `op` over `k` sequential calls, after a warm-up (which
 * also absorbs one-time costs such as building a slot index). The median is the
 * per-operation cost; GC pauses of a big heap show in the mean, printed to stderr.
 */
async function perOp(k: number, op: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, k); i++) await op(i);
  const lat: number[] = [];
  for (let i = 0; i < k; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  const mean = lat.reduce((a, b) => a + b, 0) / k;
  lat.sort((a, b) => a - b);
  process.stderr.write(`    mean ${mean.toFixed(1)} us, median ${lat[k >> 1].toFixed(1)} us\n`);
  return lat[k >> 1];
}

/** Microseconds for a full SCAN-family iteration. */
async function fullScan(c: Client, cmd: string[], count: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let cursor = '0';
  let seen = 0;
  do {
    const [next, items] = await c.call(cmd[0], ...cmd.slice(1), cursor, 'COUNT', String(count));
    cursor = next;
    seen += items.length;
  } while (cursor !== '0');
  if (seen === 0) throw new Error(`${cmd.join(' ')} returned nothing`);
  return Number(process.hrtime.bigint() - t0) / 1e3;
}

/** PING p99 (us) and server CPU % over an idle period. */
async function idle(c: Client, s: Server): Promise<{ cpu: number; p99: number }> {
  await sleep(500);
  const cpu0 = cpuSeconds(s.proc.pid!);
  const t0 = Date.now();
  const lat: number[] = [];
  while (Date.now() - t0 < 3000) {
    const a = process.hrtime.bigint();
    await c.ping();
    lat.push(Number(process.hrtime.bigint() - a) / 1e3);
    await sleep(10);
  }
  const cpu = ((cpuSeconds(s.proc.pid!) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
  lat.sort((x, y) => x - y);
  return { cpu, p99: lat[Math.floor(lat.length * 0.99)] };
}

type Row = Record<string, number>;

async function measure(c: Client, s: Server, n: number): Promise<Row> {
  const r: Row = {};
  const K = 500;
  r['SCAN full, COUNT 1000 (ms)'] = (await fullScan(c, ['SCAN'], 1000)) / 1000;
  r['SSCAN full, COUNT 100 (ms)'] = (await fullScan(c, ['SSCAN', 's'], 100)) / 1000;
  r['HSCAN full, COUNT 100 (ms)'] = (await fullScan(c, ['HSCAN', 'h'], 100)) / 1000;
  r['ZSCAN full, COUNT 100 (ms)'] = (await fullScan(c, ['ZSCAN', 'z'], 100)) / 1000;
  r['ZSCAN first page, COUNT 100 (us)'] = await perOp(50, () => c.call('ZSCAN', 'z', '0', 'COUNT', '100'));
  r['RANDOMKEY (us)'] = await perOp(K, () => c.randomkey());
  r['HRANDFIELD h 5 (us)'] = await perOp(K, () => c.hrandfield('h', 5));
  r['SRANDMEMBER s 5 (us)'] = await perOp(K, () => c.srandmember('s', 5));
  r['ZRANDMEMBER z 5 (us)'] = await perOp(K, () => c.zrandmember('z', 5));
  r['SADD new + SPOP (us)'] = await perOp(K, async (i) => { await c.sadd('s', 'new:' + i); return c.spop('s'); });
  r['HSET new + HRANDFIELD (us)'] = await perOp(K, async (i) => { await c.hset('h', 'new:' + i, 'v'); return c.hrandfield('h'); });
  r['GET (us)'] = await perOp(K, (i) => c.get('key:' + ((i * 7919) % n)));
  const id = await idle(c, s);
  r['idle, n keys with TTL: CPU %'] = id.cpu;
  r['idle, PING p99 (us)'] = id.p99;
  void s;
  return r;
}

async function main(): Promise<void> {
  const bin = redisServerPath();
  if (!bin) { console.log('redis-server not installed: nothing to compare with'); return; }
  const table = new Map<string, Map<number, [number, number]>>();
  for (const n of SIZES) {
    const results: Row[] = [];
    for (const start of [startRedis.bind(null, bin), startRedsim]) {
      const s = await start();
      const c = new IORedis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: null });
      try {
        const t0 = Date.now();
        await populate(c, n);
        process.stderr.write(`${s.name} n=${n}: populated in ${Date.now() - t0} ms\n`);
        results.push(await measure(c, s, n));
      } finally {
        c.disconnect();
        stopServer(s);
      }
    }
    const [redis, redsim] = results;
    for (const k of Object.keys(redis)) {
      if (!table.has(k)) table.set(k, new Map());
      table.get(k)!.set(n, [redsim[k], redis[k]]);
    }
  }
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const head = ['operation', ...SIZES.flatMap((n) => [`redsim n=${n}`, `redis n=${n}`, 'ratio'])];
  console.log('| ' + head.join(' | ') + ' |');
  console.log('|' + head.map(() => '---').join('|') + '|');
  for (const [k, bySize] of table) {
    const cells = SIZES.flatMap((n) => {
      const [a, b] = bySize.get(n)!;
      const ratio = k.includes('CPU') ? '' : (a / b).toFixed(1) + 'x';
      return [fmt(a), fmt(b), ratio];
    });
    console.log('| ' + [k, ...cells].join(' | ') + ' |');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
