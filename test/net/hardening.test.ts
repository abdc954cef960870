/**
 * Issue 7, network side, where Redis has no byte-for-byte counterpart to diff
 * against: output buffer limits per client class, backpressure, the idle
 * timeout on the injectable clock, SHUTDOWN (in-process and `redsim serve`),
 * the out-of-band write hook and the real clock.
 */
import { afterEach, describe, expect, test } from 'vitest';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { RedSim, ServerClosedError } from '../../src/server.js';
import { RedSimServer } from '../../src/net/server.js';
import { RealClock, VirtualClock } from '../../src/clock.js';
import { ReplyError } from '../../src/api.js';
import type { Client } from '../../src/client.js';

const servers: RedSimServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(sim: RedSim): Promise<number> {
  const server = new RedSimServer(sim);
  servers.push(server);
  return (await server.listen({ port: 0 })).port;
}

function bulkCmd(argv: string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** A raw client: collects bytes, knows when the server closed it. */
class Raw {
  readonly sock: net.Socket;
  bytes = 0;
  data: Buffer[] = [];
  closed = false;
  constructor(port: number, opts: { paused?: boolean } = {}) {
    this.sock = net.connect(port, '127.0.0.1');
    if (opts.paused) this.sock.pause();
    this.sock.on('data', (c: Buffer) => { this.bytes += c.length; if (this.data.length < 64) this.data.push(c); });
    this.sock.on('error', () => { /* close follows */ });
    this.sock.on('close', () => { this.closed = true; });
  }
  ready(): Promise<void> { return new Promise((r) => (this.sock.connecting ? this.sock.once('connect', () => r()) : r())); }
  text(): string { return Buffer.concat(this.data).toString('latin1'); }
  /** A paused socket sees the close only once it reads again: read (and discard) until closed. */
  async dropped(ms = 10_000): Promise<void> { this.sock.resume(); await this.until(() => this.closed, ms); }
  async until(pred: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timeout (bytes ${this.bytes}, closed ${this.closed})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const serverClient = (sim: RedSim, except: number[] = []): Client =>
  [...sim.clients.values()].filter((c) => !except.includes(c.id)).pop()!;

describe('client-output-buffer-limit is enforced and the server keeps serving', () => {
  test('a normal client past the hard limit is dropped; the others are served', async () => {
    const sim = new RedSim({ seed: 1 });
    const port = await start(sim);
    const admin = sim.connect();
    await admin.call('SET', 'v', 'x'.repeat(1024 * 1024));
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 2mb 0 0');
    const slow = new Raw(port, { paused: true });
    await slow.ready();
    slow.sock.write(Buffer.concat(Array.from({ length: 60 }, () => bulkCmd(['GET', 'v']))));
    await new Promise((r) => setTimeout(r, 200));
    await slow.dropped();
    expect(slow.bytes).toBeLessThan(60 * 1024 * 1024);
    const ok = new Raw(port);
    ok.sock.write('PING\r\n');
    await ok.until(() => ok.text() === '+PONG\r\n');
    // Without a limit the same client is throttled, not dropped, and gets everything.
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    const paced = new Raw(port, { paused: true });
    await paced.ready();
    paced.sock.write(Buffer.concat(Array.from({ length: 60 }, () => bulkCmd(['GET', 'v']))));
    await new Promise((r) => setTimeout(r, 300));
    expect(paced.closed).toBe(false);
    paced.sock.resume();
    await paced.until(() => paced.bytes === 60 * (1024 * 1024 + 12), 20_000);
    paced.sock.destroy();
    ok.sock.destroy();
  }, 30_000);

  test('the class is pubsub for a client in pubsub mode (or outputClass pubsub)', async () => {
    const sim = new RedSim({ seed: 1 });
    const port = await start(sim);
    const admin = sim.connect();
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 pubsub 256kb 0 0');
    const sub = new Raw(port, { paused: true });
    await sub.ready();
    await new Promise((r) => setTimeout(r, 50));
    const c = serverClient(sim, [admin.id]);
    expect(c.deliver).not.toBeNull();
    // As a normal client, pushes past 256 KB are only throttled output...
    const frame = { t: 'push' as const, v: [{ t: 'bulk' as const, v: 'message' }, { t: 'bulk' as const, v: 'y'.repeat(64 * 1024) }] };
    for (let i = 0; i < 200; i++) c.deliver!(frame);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.closed).toBe(false);
    // ...as a pubsub client the same output drops it.
    c.outputClass = 'pubsub';
    for (let i = 0; i < 200; i++) c.deliver!(frame);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.closed).toBe(true);
    await sub.dropped();
  }, 20_000);

  test('the soft limit drops a client that stays past it longer than its seconds (virtual clock)', async () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ seed: 1, clock });
    const port = await start(sim);
    const admin = sim.connect();
    await admin.call('SET', 'v', 'x'.repeat(1024 * 1024));
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 1mb 2');
    const slow = new Raw(port, { paused: true });
    await slow.ready();
    slow.sock.write(Buffer.concat(Array.from({ length: 40 }, () => bulkCmd(['GET', 'v']))));
    await new Promise((r) => setTimeout(r, 300));
    const c = serverClient(sim, [admin.id]);
    clock.advance(1500);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.closed).toBe(false);
    clock.advance(2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.closed).toBe(true);
    await slow.dropped();
  }, 20_000);
});

describe('timeout closes idle clients on the server clock', () => {
  test('idle past `timeout` seconds: closed; a blocked client is not', async () => {
    const clock = new VirtualClock();
    const sim = new RedSim({ seed: 1, clock });
    const port = await start(sim);
    await sim.connect().call('CONFIG', 'SET', 'timeout', '1');
    const idle = new Raw(port);
    const blocked = new Raw(port);
    await idle.ready();
    await blocked.ready();
    blocked.sock.write(bulkCmd(['BLPOP', 'nolist', '0']));
    idle.sock.write('PING\r\n');
    await idle.until(() => idle.bytes === 7);
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(idle.closed).toBe(false);
    clock.advance(1500);
    await idle.until(() => idle.closed);
    expect(blocked.closed).toBe(false);
    blocked.sock.destroy();
  });
});

describe('SHUTDOWN', () => {
  test('in-process: closes the instance; later calls reject with ServerClosedError', async () => {
    // An unwritable dir: SHUTDOWN SAVE cannot save, so it refuses to exit.
    const sim = new RedSim({ seed: 1, config: { dir: '/nonexistent-redsim-dir' } });
    const a = sim.connect();
    const b = sim.connect();
    await a.call('SET', 'k', 'v');
    await expect(a.call('SHUTDOWN', 'ABORT')).rejects.toThrow(new ReplyError('ERR No shutdown in progress.'));
    await expect(a.call('SHUTDOWN', 'SAVE')).rejects.toThrow('ERR Errors trying to SHUTDOWN. Check logs.');
    await expect(a.call('SHUTDOWN', 'NOSAVE')).rejects.toBeInstanceOf(ServerClosedError);
    expect(sim.isShutdown).toBe(true);
    await expect(b.call('GET', 'k')).rejects.toThrow(/shut down by SHUTDOWN/);
    expect(() => b.callSync('PING')).toThrow(ServerClosedError);
  });

  test('SHUTDOWN SAVE writes dir/dbfilename, then closes', async () => {
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/redsim-shutdown-`);
    const sim = new RedSim({ seed: 1, config: { dir } });
    const a = sim.connect();
    await a.call('SET', 'k', 'v');
    await expect(a.call('SHUTDOWN', 'SAVE')).rejects.toBeInstanceOf(ServerClosedError);
    expect(existsSync(`${dir}/dump.rdb`)).toBe(true);
  });

  test('with save points configured it must save: an error when saving fails, unless NOSAVE or FORCE', async () => {
    const sim = new RedSim({ seed: 1, config: { save: '3600 1', dir: '/nonexistent-redsim-dir' } });
    const a = sim.connect();
    await expect(a.call('SHUTDOWN')).rejects.toThrow('ERR Errors trying to SHUTDOWN. Check logs.');
    await expect(a.call('SHUTDOWN', 'NOW')).rejects.toThrow('ERR Errors trying to SHUTDOWN. Check logs.');
    expect(sim.isShutdown).toBe(false);
    await expect(a.call('SHUTDOWN', 'FORCE')).rejects.toBeInstanceOf(ServerClosedError);
  });

  test('during a script that wrote (UNKILLABLE): BUSY without NOSAVE, SHUTDOWN NOSAVE closes', async () => {
    const sim = new RedSim({ seed: 1, clock: new VirtualClock(), config: { 'busy-reply-threshold': 50 } });
    const a = sim.connect();
    const b = sim.connect();
    const running = a.call('EVAL', "redis.call('set', 'x', '1') while true do end", '0');
    running.catch(() => {});
    for (let i = 0; i < 50 && !sim.busy?.timedOut; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sim.busy?.timedOut).toBe(true);
    await expect(b.call('SCRIPT', 'KILL')).rejects.toThrow(/^UNKILLABLE/);
    await expect(b.call('SHUTDOWN')).rejects.toThrow('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    await expect(b.call('SHUTDOWN', 'NOSAVE')).rejects.toBeInstanceOf(ServerClosedError);
    await running.then(() => {}, () => {});
    expect(sim.isShutdown).toBe(true);
  });

  test('redsim serve exits on SHUTDOWN NOSAVE, even during an unkillable script', async () => {
    const main = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
    const dist = main.includes(`${path.sep}dist${path.sep}`) ? main : path.join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
    const child = spawn(process.execPath, [dist, 'serve', '--port', '0', '--config', 'busy-reply-threshold=100'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const line = await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString())));
    const port = Number(/:(\d+)\s*$/.exec(line.trim())![1]);
    const s1 = new Raw(port);
    s1.sock.write(bulkCmd(['EVAL', "redis.call('set', 'x', '1') while true do end", '0']));
    const s2 = new Raw(port);
    await new Promise((r) => setTimeout(r, 400));
    s2.sock.write(bulkCmd(['SCRIPT', 'KILL']));
    await s2.until(() => s2.text().startsWith('-UNKILLABLE'));
    s2.sock.write(bulkCmd(['SHUTDOWN', 'NOSAVE']));
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(0);
    await s2.until(() => s2.closed);
  }, 20_000);

  test('over TCP the caller sees the connection close and the server stops listening', async () => {
    const sim = new RedSim({ seed: 1 });
    const port = await start(sim);
    const c = new Raw(port);
    c.sock.write('SHUTDOWN NOSAVE\r\n');
    await c.until(() => c.closed);
    expect(c.bytes).toBe(0);
    const refused = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('error', () => r(true));
      s.once('connect', () => { s.destroy(); r(false); });
    });
    expect(refused).toBe(true);
  });
});

describe('out-of-band frames and RESP3 decorations', () => {
  test('DEBUG PROTOCOL push/attrib: exact frames over TCP; in-process the push goes to the push listeners and call returns the reply itself', async () => {
    const sim = new RedSim({ seed: 1, config: { 'enable-debug-command': 'yes' } });
    const port = await start(sim);
    const c = new Raw(port);
    c.sock.write(Buffer.concat([bulkCmd(['HELLO', '3']), bulkCmd(['DEBUG', 'PROTOCOL', 'push']), bulkCmd(['DEBUG', 'PROTOCOL', 'attrib'])]));
    const want = '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n' +
      '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n';
    await c.until(() => c.text().endsWith('attribute\r\n'));
    expect(c.text().slice(c.text().indexOf('>2'))).toBe(want);
    c.sock.destroy();
    const a = sim.connect();
    await a.call('HELLO', '3');
    const pushed: unknown[] = [];
    a.onPush((e) => pushed.push(e.type === 'push' ? e.value : e.type));
    expect(await a.call('DEBUG', 'PROTOCOL', 'push')).toBe('Some real reply following the push reply');
    await new Promise((r) => setTimeout(r, 0));
    expect(pushed).toEqual([['server-cpu-usage', 42]]);
    expect(await a.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('Some real reply following the attribute');
    expect((await a.callRaw('DEBUG', 'PROTOCOL', 'attrib')).toString('latin1')).toBe(want.slice(want.indexOf('|1')));
    const b = sim.connect();
    await expect(b.call('DEBUG', 'PROTOCOL', 'push')).rejects.toThrow('ERR RESP2 is not supported by this command');
    expect(await b.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('Some real reply following the attribute');
  });

  test('client.deliver sends a push frame in order with replies', async () => {
    const sim = new RedSim({ seed: 1 });
    const port = await start(sim);
    const c = new Raw(port);
    c.sock.write('PING\r\n');
    await c.until(() => c.bytes === 7);
    serverClient(sim).deliver!({ t: 'push', v: [{ t: 'bulk', v: 'hi' }] });
    await c.until(() => c.bytes === 7 + 12);
    expect(c.text()).toBe('+PONG\r\n*1\r\n$2\r\nhi\r\n');
    c.sock.destroy();
  });
});

describe('the real clock is the system clock', () => {
  test('never behind Date.now(), never a millisecond ahead', () => {
    const clock = new RealClock();
    for (let i = 0; i < 20_000; i++) {
      const before = Date.now();
      const us = clock.nowUs();
      const after = Date.now();
      expect(us >= before * 1000 && us < (after + 1) * 1000).toBe(true);
    }
  });

  test('SET k v PXAT <now+10000>: PTTL never exceeds 10000', async () => {
    const sim = new RedSim({ seed: 1 });
    const a = sim.connect();
    for (let i = 0; i < 2000; i++) {
      await a.call('SET', 'k', 'v', 'PXAT', String(Date.now() + 10_000));
      const pttl = (await a.call('PTTL', 'k')) as number;
      expect(pttl).toBeLessThanOrEqual(10_000);
      expect(pttl).toBeGreaterThan(9_000);
    }
  });
});
