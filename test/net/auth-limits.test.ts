/**
 * A client that still has to AUTH may send at most 10 arguments of at most
 * 16384 bytes (networking.c): same bytes and same close as Redis 7.0.15.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import net from 'node:net';
import { RedSim } from '../../src/server.js';
import { RedSimServer } from '../../src/net/server.js';
import { RealRedis, redisServerPath } from '../diff/harness.js';

const bin = redisServerPath();
let real: RealRedis;
let sim: RedSim;
let server: RedSimServer;
let simPort = 0;

interface Outcome { bytes: string; closed: boolean }

/** Send `data` on a fresh connection; what comes back until close or 300 ms of quiet. */
function exchange(port: number, data: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ bytes: got, closed });
    };
    const arm = () => { if (timer) clearTimeout(timer); timer = setTimeout(() => finish(false), 300); };
    s.on('data', (c: Buffer) => { got += c.toString('latin1'); arm(); });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => { s.write(Buffer.from(data, 'latin1')); arm(); });
  });
}

beforeAll(async () => {
  if (!bin) return;
  real = await RealRedis.start(bin);
  await exchange(real.port, '*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$2\r\npw\r\n');
  sim = new RedSim({ seed: 1, config: { requirepass: 'pw' } });
  server = new RedSimServer(sim);
  simPort = (await server.listen({ port: 0 })).port;
}, 30_000);

afterAll(async () => {
  if (!bin) return;
  real.stop();
  await server.close();
});

const big = 'x'.repeat(16385);
const cases: Array<[string, string]> = [
  ['11 arguments before AUTH', '*11\r\n'],
  ['10 arguments before AUTH are fine', '*10\r\n' + '$4\r\nPING\r\n'.repeat(10)],
  ['a 100 MB bulk length before AUTH', '*1\r\n$100000000\r\n'],
  ['a 16385-byte argument before AUTH', `*2\r\n$4\r\nAUTH\r\n$16385\r\n${big}\r\n`],
  ['a 16384-byte argument is fine', `*2\r\n$4\r\nAUTH\r\n$16384\r\n${big.slice(1)}\r\n`],
  ['after AUTH the limits are gone', '*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n' + '*11\r\n' + '$4\r\nECHO\r\n'.repeat(1) + '$1\r\na\r\n'.repeat(10)],
  ['inline commands are not limited', 'AUTH pw\r\nPING\r\n'],
];

describe.skipIf(!bin)('unauthenticated protocol limits', () => {
  for (const [name, data] of cases) {
    test(name, async () => {
      const [a, b] = await Promise.all([exchange(real.port, data), exchange(simPort, data)]);
      expect(b).toEqual(a);
    });
  }
});
