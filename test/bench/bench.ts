/**
 * npm run bench: redsim in-process side by side with ioredis-mock and, when a
 * redis-server is installed, real Redis through ioredis over loopback.
 * Reports ops/s and the ratios the README quotes. Not a unit test: timings vary.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { RedSim } from '../../src/server.js';
import { startServer } from '../../src/testing/server.js';
import { redisServerPath, RealRedis } from '../diff/harness.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedisMock: any = require('ioredis-mock');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');

type Op = () => unknown | Promise<unknown>;

async function rate(label: string, ops: number, op: Op): Promise<number> {
  for (let i = 0; i < Math.min(20_000, ops); i++) await op(); // warm-up: let the JIT settle
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await op();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = ops / secs;
  console.log(`  ${label.padEnd(44)} ${Math.round(r).toLocaleString('en-US').padStart(12)} ops/s`);
  return r;
}

async function timePer(label: string, n: number, fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  console.log(`  ${label.padEnd(44)} ${us.toFixed(1).padStart(12)} us each`);
  return us;
}

/** Heap bytes per key after `fill` inserts `n` keys into a fresh store (GC'd before and after when --expose-gc). */
async function bytesPer(label: string, n: number, make: () => unknown, fill: (store: unknown, n: number) => unknown): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.(); gc?.();
  const before = process.memoryUsage().heapUsed;
  const store = make();
  await fill(store, n);
  gc?.(); gc?.();
  const per = (process.memoryUsage().heapUsed - before) / n;
  console.log(`  ${label.padEnd(44)} ${per.toFixed(0).padStart(12)} bytes/key${gc ? '' : ' (no --expose-gc: rough)'}`);
  void store; // keep it alive until measured
  return per;
}

const INCR_SCRIPT = "return redis.call('INCR', KEYS[1])";
const N = Number(process.env.BENCH_OPS ?? 50_000);
const NMOCK = Number(process.env.BENCH_MOCK_OPS ?? 20_000);

async function main() {
  const results: Record<string, number> = {};
  console.log(`redsim benchmark (node ${process.version})\n`);

  console.log('sequential SET+GET (one op = SET then GET):');
  const sim = new RedSim({ seed: 1 });
  const c = sim.connect();
  let i = 0;
  results.redsimSync = await rate('redsim in-process, callSync', N, () => { const k = 'k' + (i++ % 1000); c.callSync('SET', k, 'v'); return c.callSync('GET', k); });
  results.redsim = await rate('redsim in-process, await call', N, async () => { const k = 'k' + (i++ % 1000); await c.call('SET', k, 'v'); return c.call('GET', k); });
  const mock = new IORedisMock();
  results.mock = await rate('ioredis-mock', NMOCK, async () => { const k = 'k' + (i++ % 1000); await mock.set(k, 'v'); return mock.get(k); });

  // The issue-15 targets: await call() at >= 3x ioredis-mock on SET/GET, INCR, HSET/HGET.
  console.log('\nsequential INCR and HSET+HGET (await call vs ioredis-mock):');
  results.redsimIncr = await rate('redsim in-process, await call INCR', N, () => c.call('INCR', 'k' + (i++ % 1000) + ':n'));
  results.mockIncr = await rate('ioredis-mock INCR', NMOCK, () => mock.incr('k' + (i++ % 1000) + ':n'));
  results.redsimHash = await rate('redsim in-process, await call HSET+HGET', N, async () => { const f = 'f' + (i++ % 100); await c.call('HSET', 'hb' + (i % 1000), f, 'v'); return c.call('HGET', 'hb' + (i % 1000), f); });
  results.mockHash = await rate('ioredis-mock HSET+HGET', NMOCK, async () => { const f = 'f' + (i++ % 100); await mock.hset('hb' + (i % 1000), f, 'v'); return mock.hget('hb' + (i % 1000), f); });

  const bin = redisServerPath();
  let real: RealRedis | null = null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let io: any = null;
  if (bin) {
    real = await RealRedis.start(bin);
    io = new IORedis({ port: real.port, host: '127.0.0.1', lazyConnect: false });
    await io.ping();
    results.real = await rate('real redis-server via ioredis (loopback)', Math.min(N, 20_000), async () => { const k = 'k' + (i++ % 1000); await io.set(k, 'v'); return io.get(k); });
  } else console.log('  (redis-server not installed: real Redis skipped)');

  console.log('\nnew instance:');
  results.newRedsim = await timePer('new RedSim() + connect()', 2000, () => new RedSim({ seed: 1 }).connect());
  results.newMock = await timePer('new ioredis-mock', 200, () => new IORedisMock());

  console.log('\nscripting (cached script, INCR):');
  const hasEval = (() => { try { c.callSync('EVAL', 'return 1', '0'); return true; } catch { return false; } })();
  if (hasEval) {
    const sha = c.callSync('SCRIPT', 'LOAD', INCR_SCRIPT) as string;
    results.evalsha = await rate('redsim EVALSHA', N, () => c.callSync('EVALSHA', sha, '1', 'cnt'));
    results.evalRs = await rate('redsim EVAL (same body)', N, () => c.callSync('EVAL', INCR_SCRIPT, '1', 'cnt'));
    const hasFn = (() => { try { c.callSync('FUNCTION', 'LOAD', "#!lua name=benchlib\nredis.register_function('incr1', function(keys) return redis.call('INCR', keys[1]) end)"); return true; } catch { return false; } })();
    if (hasFn) results.fcall = await rate('redsim FCALL', N, () => c.callSync('FCALL', 'incr1', '1', 'cnt'));
    const m2 = new IORedisMock();
    results.mockEval = await rate('ioredis-mock EVAL', 2000, () => m2.eval(INCR_SCRIPT, 1, 'cnt'));
    if (io) {
      const rsha = await io.script('LOAD', INCR_SCRIPT);
      results.realEvalsha = await rate('real redis EVALSHA via ioredis', 20_000, () => io.evalsha(rsha, 1, 'cnt'));
      await io.function('LOAD', 'REPLACE', "#!lua name=benchlib\nredis.register_function('incr1', function(keys) return redis.call('INCR', keys[1]) end)");
      results.realFcall = await rate('real redis FCALL via ioredis', 20_000, () => io.fcall('incr1', 1, 'cnt'));
    }
  } else console.log('  (EVAL not available yet)');

  // Hash fields go into 2000 hashes of 100: ioredis-mock copies a whole hash on each
  // HSET, so one 200k-field hash would take it minutes.
  console.log('\nmemory (200k string keys SET k:i v:i; 200k fields HSET h:<i%2000> f:i v:i):');
  const NMEM = 200_000;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Any = any;
  results.memRedsimStr = await bytesPer('redsim string keys', NMEM, () => new RedSim({ seed: 1 }).connect(), (s, n) => {
    const cc = s as Any; for (let j = 0; j < n; j++) cc.callSync('SET', 'k:' + j, 'v:' + j);
  });
  results.memMockStr = await bytesPer('ioredis-mock string keys', NMEM, () => new IORedisMock(), async (s, n) => {
    const m = s as Any; for (let j = 0; j < n; j++) await m.set('k:' + j, 'v:' + j);
  });
  results.memRedsimHash = await bytesPer('redsim hash fields', NMEM, () => new RedSim({ seed: 1 }).connect(), (s, n) => {
    const cc = s as Any; for (let j = 0; j < n; j++) cc.callSync('HSET', 'h:' + (j % 2000), 'f:' + j, 'v:' + j);
  });
  results.memMockHash = await bytesPer('ioredis-mock hash fields', NMEM, () => new IORedisMock(), async (s, n) => {
    const m = s as Any; for (let j = 0; j < n; j++) await m.hset('h:' + (j % 2000), 'f:' + j, 'v:' + j);
  });

  // Per-element heap by encoding (issue 15). Redis 7.0 for comparison, from its
  // allocator: zset listpack ~16 B/member, skiplist ~110 B; hash listpack ~20 B/field,
  // hashtable ~70 B; set intset 2-8 B, hashtable ~50 B.
  console.log('\nmemory per element by encoding (200k elements; 100 per key = listpack/intset, one key = big encoding):');
  const perKey = (name: string, cmd: (j: number) => string[]) => bytesPer(name, NMEM, () => new RedSim({ seed: 1 }).connect(), (s, n) => {
    const cc = s as Any; for (let j = 0; j < n; j++) cc.callSync(...cmd(j));
  });
  results.memZsetLp = await perKey('redsim zset, 100 members/key (listpack)', (j) => ['ZADD', 'z:' + (j % 2000), String(j), 'm:' + j]);
  results.memZsetSl = await perKey('redsim zset, one key (skiplist)', (j) => ['ZADD', 'z', String(j), 'm:' + j]);
  results.memHashBig = await perKey('redsim hash, one key (hashtable)', (j) => ['HSET', 'h', 'f:' + j, 'v:' + j]);
  results.memSetLp = await perKey('redsim set, 100 ints/key (intset)', (j) => ['SADD', 's:' + (j % 2000), String(j)]);
  results.memSetBig = await perKey('redsim set, one key (hashtable)', (j) => ['SADD', 's', 'm:' + j]);

  console.log('\nstreams (XADD of one field; XREADGROUP COUNT 1 + XACK of the entry read):');
  {
    const sc = new RedSim({ seed: 1 }).connect();
    sc.callSync('XGROUP', 'CREATE', 'q', 'g', '$', 'MKSTREAM');
    results.xadd = await rate('redsim XADD, callSync', N, () => sc.callSync('XADD', 'q', '*', 'f', 'v'));
    const ack = (r: unknown) => { const e = (r as [string, [string, unknown][]][])[0][1][0]; return e[0]; };
    results.xreadack = await rate('redsim XREADGROUP+XACK, callSync', N, () => sc.callSync('XACK', 'q', 'g', ack(sc.callSync('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'q', '>'))));
    // The same over redsim's own RESP server, through ioredis.
    const srv = await startServer({ seed: 1 });
    const sio = new IORedis({ port: srv.port, host: '127.0.0.1' });
    await sio.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
    results.xaddServer = await rate('redsim serve XADD via ioredis', 20_000, () => sio.xadd('q', '*', 'f', 'v'));
    results.xreadackServer = await rate('redsim serve XREADGROUP+XACK via ioredis', 10_000, async () => sio.xack('q', 'g', ack(await sio.xreadgroup('GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'q', '>'))));
    sio.disconnect();
    await srv.close();
    if (io) {
      await io.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
      results.xaddReal = await rate('real redis XADD via ioredis', 20_000, () => io.xadd('q', '*', 'f', 'v'));
      results.xreadackReal = await rate('real redis XREADGROUP+XACK via ioredis', 10_000, async () => io.xack('q', 'g', ack(await io.xreadgroup('GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'q', '>'))));
    }
    // XRANGE of 10 entries at the end of a 10^6-entry stream: must not scan from the start.
    const big = new RedSim({ seed: 1 }).connect();
    for (let j = 1; j <= 1_000_000; j++) big.callSync('XADD', 'big', `${j}-0`, 'f', 'v');
    results.xrangeBig = await rate('redsim XRANGE COUNT 10 at the end of 10^6', 20_000, () => big.callSync('XRANGE', 'big', '999990', '+', 'COUNT', '10'));
  }

  console.log('\nPUBLISH to 1 / 10 / 1,000 subscribers (one op = one PUBLISH, delivered to every subscriber):');
  {
    // Subscribers over TCP are raw sockets that only drain what they get.
    const subscribeSockets = async (port: number, k: number): Promise<net.Socket[]> => {
      const socks: net.Socket[] = [];
      for (let i = 0; i < k; i++) {
        const s = net.connect(port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        s.on('data', () => {});
        s.write('SUBSCRIBE ch\r\n');
        socks.push(s);
      }
      await new Promise((r) => setTimeout(r, 200));
      return socks;
    };
    for (const k of [1, 10, 1000]) {
      const ops = k === 1000 ? 1000 : 10_000;
      const sim = new RedSim({ seed: 1 });
      let got = 0;
      for (let i = 0; i < k; i++) { const c = sim.connect(); c.callSync('SUBSCRIBE', 'ch'); c.on('message', () => { got++; }); }
      const pub = sim.connect();
      results[`pub${k}`] = await rate(`redsim in-process PUBLISH, ${k} subscriber(s)`, ops, () => pub.call('PUBLISH', 'ch', 'hello'));
      if (got === 0) throw new Error('no message delivered');
      const srv = await startServer({ seed: 1 });
      const socks = await subscribeSockets(srv.port, k);
      const sio = new IORedis({ port: srv.port, host: '127.0.0.1' });
      results[`pubServer${k}`] = await rate(`redsim serve PUBLISH via ioredis, ${k} sub(s)`, ops, () => sio.publish('ch', 'hello'));
      sio.disconnect();
      for (const s of socks) s.destroy();
      await srv.close();
      if (io) {
        const port = io.options.port as number;
        const rs = await subscribeSockets(port, k);
        results[`pubReal${k}`] = await rate(`real redis PUBLISH via ioredis, ${k} sub(s)`, ops, () => io.publish('ch', 'hello'));
        for (const s of rs) s.destroy();
      }
    }
  }

  console.log('\nratios:');
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(1) + 'x' : 'n/a');
  console.log(`  redsim SET+GET vs ioredis-mock:        ${ratio(results.redsim, results.mock)} (callSync: ${ratio(results.redsimSync, results.mock)})`);
  console.log(`  redsim INCR vs ioredis-mock:           ${ratio(results.redsimIncr, results.mockIncr)}`);
  console.log(`  redsim HSET+HGET vs ioredis-mock:      ${ratio(results.redsimHash, results.mockHash)}`);
  console.log(`  redsim SET+GET vs real Redis loopback: ${ratio(results.redsim, results.real)}`);
  console.log(`  new instance, ioredis-mock / redsim:   ${ratio(results.newMock, results.newRedsim)}`);
  console.log(`  EVALSHA vs ioredis-mock EVAL:          ${ratio(results.evalsha, results.mockEval)}`);
  console.log(`  EVALSHA vs real Redis loopback:        ${ratio(results.evalsha, results.realEvalsha)}`);
  console.log(`  FCALL vs real Redis loopback:          ${ratio(results.fcall, results.realFcall)}`);
  console.log(`  XADD in-process vs real Redis loopback: ${ratio(results.xadd, results.xaddReal)}`);
  console.log(`  XREADGROUP+XACK in-process vs real:     ${ratio(results.xreadack, results.xreadackReal)}`);
  for (const k of [1, 10, 1000]) console.log(`  PUBLISH to ${String(k).padEnd(4)} subs, in-process / serve / real: ${Math.round(results[`pub${k}`] ?? 0)} / ${Math.round(results[`pubServer${k}`] ?? 0)} / ${Math.round(results[`pubReal${k}`] ?? 0)}`);
  console.log(`  memory/key strings, ioredis-mock/redsim: ${ratio(results.memMockStr, results.memRedsimStr)}`);
  console.log(`  memory/field hash, ioredis-mock/redsim:  ${ratio(results.memMockHash, results.memRedsimHash)}`);

  io?.disconnect();
  mock.disconnect?.();
  real?.stop();
  sim.stop();
  void spawn;
}

main().catch((e) => { console.error(e); process.exit(1); });
