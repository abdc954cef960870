/**
 * Wire-level differential tests and seeded fuzzing against a real redis-server:
 * the same bytes go to both servers on fresh connections, and the reply bytes
 * and whether the server closed the connection must match. Classes (issue 7):
 * malformed protocol, protocol limits (proto-max-bulk-len,
 * client-query-buffer-limit, maxclients), huge replies and bulks (bounded
 * sizes here; `npm run soak` runs the large ones), non-reading clients.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { RedSim } from '../../src/server.js';
import { RedSimServer } from '../../src/net/server.js';
import { RealRedis, redisServerPath } from '../diff/harness.js';

const bin = redisServerPath();
if (!bin) console.warn('\n*** redis-server is not installed: the wire differential tests are SKIPPED ***\n');

let real: RealRedis;
let sim: RedSim;
let server: RedSimServer;
let simPort = 0;

interface Outcome { bytes: Buffer; closed: boolean }

/** Mulberry32: the fuzzer's seeded source. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Send `chunks` (with a pause between them) on a fresh connection; collect what
 * comes back until the server closes or nothing arrives for `quietMs`.
 */
function exchange(port: number, chunks: Buffer[], quietMs = 300, opts: { readAfterMs?: number; minBytes?: number } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let done = false;
    let quiet: NodeJS.Timeout | null = null;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      if (quiet) clearTimeout(quiet);
      s.destroy();
      resolve({ bytes: Buffer.concat(got), closed });
    };
    let total = 0;
    const arm = () => {
      if (quiet) clearTimeout(quiet);
      // Not quiet yet while the expected bytes are still coming (a loaded machine pauses).
      if (opts.minBytes !== undefined && total < opts.minBytes) { quiet = setTimeout(() => finish(false), 20_000); return; }
      quiet = setTimeout(() => finish(false), quietMs);
    };
    if (opts.readAfterMs) {
      s.pause();
      setTimeout(() => { s.resume(); arm(); }, opts.readAfterMs);
    }
    s.on('data', (c: Buffer) => { got.push(c); total += c.length; arm(); });
    s.on('close', () => finish(true));
    s.on('error', (e: NodeJS.ErrnoException) => {
      // A reset after the server closed with unread input: the same as a close.
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish(true);
      else if (!done) reject(e);
    });
    s.on('connect', async () => {
      for (let i = 0; i < chunks.length; i++) {
        if (s.destroyed) return;
        s.write(chunks[i]);
        if (i + 1 < chunks.length) await new Promise((r) => setTimeout(r, 5));
      }
      if (!opts.readAfterMs) arm();
    });
  });
}

/** Commands on a setup connection (CONFIG SET...), waiting for each reply. */
async function setup(port: number, cmds: string[][]): Promise<void> {
  if (cmds.length === 0) return;
  const wire = Buffer.concat(cmds.map((c) => bulkCmd(c)));
  await exchange(port, [wire], 100);
}

function bulkCmd(argv: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

const show = (o: Outcome) => `${o.closed ? 'closed' : 'open'} ${o.bytes.length} bytes ${JSON.stringify(o.bytes.subarray(0, 300).toString('latin1'))}`;

async function both(chunks: Buffer[], quietMs = 300, opts: { readAfterMs?: number } = {}): Promise<[Outcome, Outcome]> {
  return Promise.all([exchange(real.port, chunks, quietMs, opts), exchange(simPort, chunks, quietMs, opts)]);
}

/** Large outputs: Redis first, then redsim is read until it sent at least as much (or closed). */
async function bothBig(chunks: Buffer[], opts: { readAfterMs?: number } = {}): Promise<[Outcome, Outcome]> {
  const a = await exchange(real.port, chunks, 1000, opts);
  const b = await exchange(simPort, chunks, 300, { ...opts, minBytes: a.bytes.length });
  return [a, b];
}

beforeAll(async () => {
  if (!bin) return;
  real = await RealRedis.start(bin);
  sim = new RedSim({ seed: 1 });
  server = new RedSimServer(sim);
  simPort = (await server.listen({ port: 0 })).port;
}, 30_000);

afterAll(async () => {
  if (!bin) return;
  real.stop();
  await server.close();
});

/** Restore the defaults the tests change (both servers). */
async function resetLimits(): Promise<void> {
  const cmds = [['CONFIG', 'SET', 'proto-max-bulk-len', '512mb', 'client-query-buffer-limit', '1gb', 'maxclients', '10000',
    'client-output-buffer-limit', 'normal 0 0 0']];
  await Promise.all([setup(real.port, cmds), setup(simPort, cmds)]);
}

describe.skipIf(!bin)('protocol limits: same bytes and same close as Redis 7.0.15', () => {
  test('proto-max-bulk-len: a longer bulk is a protocol error, then close', async () => {
    const cmds = [['CONFIG', 'SET', 'proto-max-bulk-len', '1mb']];
    await Promise.all([setup(real.port, cmds), setup(simPort, cmds)]);
    try {
      for (const n of [1048576, 1048577, 5000000]) {
        const [a, b] = await both([Buffer.from(`*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${n}\r\n`)]);
        expect(show(b)).toBe(show(a));
      }
    } finally { await resetLimits(); }
  });

  test('client-query-buffer-limit: the client is closed without a reply once its query buffer passes it', async () => {
    const cmds = [['CONFIG', 'SET', 'client-query-buffer-limit', '1mb']];
    await Promise.all([setup(real.port, cmds), setup(simPort, cmds)]);
    try {
      const head = Buffer.from('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n');
      const body = Array.from({ length: 8 }, () => Buffer.alloc(256 * 1024, 0x78));
      const [a, b] = await both([head, ...body]);
      expect(show(b)).toBe(show(a));
      // Under the limit, the same value is stored.
      const [c, d] = await both([bulkCmd(['SET', 'k', Buffer.alloc(900_000, 0x78)]), bulkCmd(['STRLEN', 'k'])]);
      expect(show(d)).toBe(show(c));
    } finally { await resetLimits(); }
  });

  test('maxclients: the connection past the limit gets the error and is closed', async () => {
    const hold: net.Socket[] = [];
    const cmds = [['CONFIG', 'SET', 'maxclients', '3']];
    await Promise.all([setup(real.port, cmds), setup(simPort, cmds)]);
    try {
      for (const port of [real.port, simPort]) {
        for (let i = 0; i < 3; i++) {
          const s = net.connect(port, '127.0.0.1');
          await new Promise((r) => s.once('connect', r));
          hold.push(s);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
      const [a, b] = await both([Buffer.from('PING\r\n')]);
      expect(b.bytes.toString('latin1')).toBe('-ERR max number of clients reached\r\n');
      expect(show(b)).toBe(show(a));
    } finally {
      for (const s of hold) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      await resetLimits();
    }
  });

  test('too big inline request: the connection is closed, the rest is not read', async () => {
    const [a, b] = await both([Buffer.from('PING\r\n'), Buffer.alloc(70_000, 0x61), Buffer.from('PING\r\n')]);
    expect(show(b)).toBe(show(a));
    expect(b.closed).toBe(true);
  });
});

/** A malformed (or valid) request stream built from a seed. */
function malformed(seed: number): Buffer[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const num = () => pick(['0', '1', '2', '3', '-1', '-2', '01', '+1', '', 'x', '2147483647', '2147483648', '536870912', '536870913',
    '9223372036854775807', '9223372036854775808', '-9223372036854775808', ' 1', '1 ', '1\0']);
  const word = () => pick(['PING', 'ECHO', 'SET', 'GET', 'x', '', 'a b', '"q"', "'s'", '"unterminated', '\\x41', '\x00', '\xff', 'QUIT']);
  const pieces: string[] = [];
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    switch (Math.floor(r() * 10)) {
      case 0: pieces.push('*1\r\n$4\r\nPING\r\n'); break;
      case 1: pieces.push(`*2\r\n$4\r\nECHO\r\n$${pick(['3', '2', '4', '0'])}\r\nabc\r\n`); break;
      case 2: pieces.push(`*${num()}\r\n`); break;
      case 3: pieces.push(`$${num()}\r\n`); break;
      case 4: pieces.push(`${word()} ${word()}${pick(['\r\n', '\n', '\r', ''])}`); break;
      case 5: pieces.push(pick([':1\r\n', '+OK\r\n', '-ERR\r\n', '\r\n', '\n', ' \r\n', '*\r\n', '$\r\n'])); break;
      case 6: pieces.push(`*${pick(['1', '2', '3'])}\r\n${pick(['$3', ':3', '$-1', '$x', '$03'])}\r\n${pick(['GET', 'abc', ''])}\r\n`); break;
      case 7: pieces.push(`ECHO "${pick(['a\\n', 'b"c', '\\x4', 'd\\"', 'e'])}"${pick(['\r\n', 'x\r\n', ' y\r\n'])}`); break;
      case 8: pieces.push(pick(['*1\r', '*1\r\n$4\r', '*1\r\n$4\r\nPIN', 'PIN'])); break;
      default: pieces.push(`*${pick(['1', '2'])}\r\n$${pick(['4', '5'])}\r\n${pick(['PING', 'QUIT'])}\r\n`);
    }
  }
  // Sometimes split the stream at a random byte: the parser must not care.
  const all = Buffer.from(pieces.join(''), 'latin1');
  if (all.length > 2 && r() < 0.5) {
    const cut = 1 + Math.floor(r() * (all.length - 1));
    return [all.subarray(0, cut), all.subarray(cut)];
  }
  return [all];
}

describe.skipIf(!bin)('fuzz: malformed protocol (seeded)', () => {
  const SEEDS = 240;
  test(`seeds 1..${SEEDS}: same reply bytes and same close as Redis`, async () => {
    const bad: string[] = [];
    for (let base = 1; base <= SEEDS; base += 40) {
      const seeds = Array.from({ length: Math.min(40, SEEDS - base + 1) }, (_, i) => base + i);
      const outs = await Promise.all(seeds.map((s) => both(malformed(s), 250)));
      outs.forEach(([a, b], i) => {
        if (show(a) !== show(b)) {
          bad.push(`seed ${seeds[i]} ${JSON.stringify(Buffer.concat(malformed(seeds[i])).toString('latin1'))}\n  redis : ${show(a)}\n  redsim: ${show(b)}`);
        }
      });
    }
    expect(bad.join('\n')).toBe('');
  }, 120_000);
});

describe.skipIf(!bin)('fuzz: huge replies and bulks, bounded (seeded)', () => {
  const sha = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  test('values around the chunk and by-reference thresholds, in pipelines', async () => {
    const r = rng(7);
    const sizes = [0, 1, 65535, 65536, 65537, 131072, 1048575, 1048576, 1048577, 3_000_001];
    const cmds: Buffer[] = [];
    for (let i = 0; i < sizes.length; i++) {
      const fill = 0x41 + Math.floor(r() * 26);
      cmds.push(bulkCmd(['SET', `big:${i}`, Buffer.alloc(sizes[i], fill)]));
    }
    for (let i = 0; i < 12; i++) {
      const k = Math.floor(r() * sizes.length);
      cmds.push(pickCmd(r, k, sizes.length));
    }
    const wire = Buffer.concat(cmds);
    // One write, and the same bytes in random splits.
    const [a, b] = await bothBig([wire]);
    expect(`${b.closed} ${b.bytes.length} ${sha(b.bytes)}`).toBe(`${a.closed} ${a.bytes.length} ${sha(a.bytes)}`);
    const cuts = [0, ...Array.from({ length: 6 }, () => Math.floor(r() * wire.length)).sort((x, y) => x - y), wire.length];
    const parts = cuts.slice(1).map((c, i) => wire.subarray(cuts[i], c)).filter((p) => p.length > 0);
    const [c, d] = await bothBig(parts);
    expect(`${d.closed} ${d.bytes.length} ${sha(d.bytes)}`).toBe(`${c.closed} ${c.bytes.length} ${sha(c.bytes)}`);
  }, 60_000);

  test('a client that reads nothing for a while gets every reply, in order, and others are served meanwhile', async () => {
    await Promise.all([setup(real.port, [['SET', 'nr', 'x'.repeat(2 * 1024 * 1024)]]), setup(simPort, [['SET', 'nr', 'x'.repeat(2 * 1024 * 1024)]])]);
    const wire = Buffer.concat([...Array.from({ length: 12 }, () => bulkCmd(['GET', 'nr'])), bulkCmd(['INCR', 'nr:count'])]);
    const minBytes = 12 * (2 * 1024 * 1024 + 12) + 4;
    const slow = Promise.all([exchange(real.port, [wire], 500, { readAfterMs: 700, minBytes }), exchange(simPort, [wire], 500, { readAfterMs: 700, minBytes })]);
    // Meanwhile another client is served.
    await new Promise((r) => setTimeout(r, 200));
    const [p, q] = await both([Buffer.from('PING\r\n')], 100);
    expect(show(q)).toBe(show(p));
    const [a, b] = await slow;
    expect(`${b.closed} ${b.bytes.length} ${sha(b.bytes)}`).toBe(`${a.closed} ${a.bytes.length} ${sha(a.bytes)}`);
  }, 60_000);
});

function pickCmd(r: () => number, k: number, n: number): Buffer {
  const other = Math.floor(r() * n);
  switch (Math.floor(r() * 5)) {
    case 0: return bulkCmd(['GET', `big:${k}`]);
    case 1: return bulkCmd(['MGET', `big:${k}`, `big:${other}`, 'nokey', `big:${k}`]);
    case 2: return bulkCmd(['GETRANGE', `big:${k}`, '1', String(Math.floor(r() * 2_000_000))]);
    case 3: return bulkCmd(['APPEND', `big:${k}`, 'tail']);
    default: return bulkCmd(['EVAL', 'return {redis.call("get", KEYS[1]), redis.call("strlen", KEYS[1])}', '1', `big:${k}`]);
  }
}
