/**
 * npm run bench (second part): real client libraries in-process through
 * redsim/ioredis, next to ioredis-mock and next to the same ioredis over loopback
 * to a real redis-server (when installed). Ratios are what the README quotes.
 */
import { createRequire } from 'node:module';
import { RedSim } from '../../src/server.js';
import { createRedis } from '../../src/adapters/ioredis.js';
import { redisServerPath, RealRedis } from '../diff/harness.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedisMock: any = require('ioredis-mock');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IORedis: any = require('ioredis');

const N = Number(process.env.BENCH_OPS ?? 20_000);

async function rate(label: string, ops: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(5_000, ops); i++) await op();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await op();
  const r = ops / (Number(process.hrtime.bigint() - t0) / 1e9);
  console.log(`  ${label.padEnd(52)} ${Math.round(r).toLocaleString('en-US').padStart(12)} ops/s`);
  return r;
}

async function perUs(label: string, n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  console.log(`  ${label.padEnd(52)} ${us.toFixed(1).padStart(12)} us each`);
  return us;
}

const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(1)}x` : 'n/a');

async function main() {
  const r: Record<string, number> = {};
  console.log('\nreal clients in-process (redsim/ioredis) vs ioredis-mock vs real Redis over loopback:');
  const sim = new RedSim({ seed: 1 });
  const io = createRedis(sim);
  await io.ping();
  let i = 0;
  r.ioSeq = await rate('redsim/ioredis sequential SET+GET pairs', N, async () => { const k = 'k' + (i++ % 1000); await io.set(k, 'v'); return io.get(k); });
  r.ioPipe = await rate('redsim/ioredis pipelines of 100 SETs (commands/s)', N / 100, async () => {
    const p = io.pipeline();
    for (let j = 0; j < 100; j++) p.set('p' + j, 'v');
    return p.exec();
  }) * 100;
  io.disconnect();
  const mock = new IORedisMock();
  r.mockSeq = await rate('ioredis-mock sequential SET+GET pairs', N, async () => { const k = 'k' + (i++ % 1000); await mock.set(k, 'v'); return mock.get(k); });
  mock.disconnect();

  const bin = redisServerPath();
  if (bin) {
    const real = await RealRedis.start(bin);
    const c = new IORedis({ port: real.port, host: '127.0.0.1' });
    await c.ping();
    r.realSeq = await rate('real Redis via ioredis, sequential SET+GET pairs', Math.min(N, 10_000), async () => { const k = 'k' + (i++ % 1000); await c.set(k, 'v'); return c.get(k); });
    r.realPipe = await rate('real Redis via ioredis, pipelines of 100 (commands/s)', Math.min(N, 10_000) / 100, async () => {
      const p = c.pipeline();
      for (let j = 0; j < 100; j++) p.set('p' + j, 'v');
      return p.exec();
    }) * 100;
    c.disconnect();
    real.stop();
  } else console.log('  (redis-server not installed: real Redis skipped)');

  console.log('\nnew instance plus first command:');
  r.newRedsim = await perUs('redsim: new RedSim + connect + SET', 2_000, async () => new RedSim({ seed: 1 }).connect().call('SET', 'k', 'v'));
  r.newMock = await perUs('ioredis-mock: new + SET', 2_000, async () => { const m = new IORedisMock(); await m.set('k', 'v'); m.disconnect(); });
  r.newIo = await perUs('redsim/ioredis: new RedSim + client + SET', 500, async () => { const c = createRedis(new RedSim({ seed: 1 })); await c.set('k', 'v'); c.disconnect(); });

  console.log('\nratios:');
  console.log(`  redsim/ioredis sequential vs real Redis loopback:  ${ratio(r.ioSeq, r.realSeq)}`);
  console.log(`  redsim/ioredis sequential vs ioredis-mock:         ${ratio(r.ioSeq, r.mockSeq)}`);
  console.log(`  redsim/ioredis pipelines of 100 vs real Redis:     ${ratio(r.ioPipe, r.realPipe)}`);
  console.log(`  new instance + first command, ioredis-mock/redsim: ${ratio(r.newMock, r.newRedsim)}`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
