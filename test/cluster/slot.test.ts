import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { crc16, keyHashSlot } from '../../src/cluster/slot.js';
import { RealConn, redisServerPath } from '../diff/harness.js';

describe('key hash slots', () => {
  it('is CRC16/XMODEM', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(crc16('')).toBe(0);
  });

  it('follows Redis hash-tag rules', () => {
    expect(keyHashSlot('foo')).toBe(12182);
    expect(keyHashSlot('{user1000}.following')).toBe(keyHashSlot('user1000'));
    expect(keyHashSlot('{user1000}.followers')).toBe(keyHashSlot('user1000'));
    // Only the first '{' and the first '}' after it count.
    expect(keyHashSlot('foo{{bar}}zap')).toBe(keyHashSlot('{bar'));
    expect(keyHashSlot('foo{bar}{zap}')).toBe(keyHashSlot('bar'));
    // An empty tag or a missing '}' hashes the whole key.
    expect(keyHashSlot('foo{}{bar}')).toBe(crc16('foo{}{bar}') & 0x3fff);
    expect(keyHashSlot('foo{bar')).toBe(crc16('foo{bar') & 0x3fff);
    expect(keyHashSlot('}{x}')).toBe(keyHashSlot('x'));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const bin = redisServerPath();

describe.skipIf(!bin)('key hash slots against a real cluster-enabled redis-server', () => {
  it('CLUSTER KEYSLOT agrees for tags, binary bytes and random keys', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-slot-'));
    const port = await freePort();
    const proc = spawn(bin!, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
      '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--logfile', '', '--loglevel', 'warning'],
    { stdio: 'ignore' });
    try {
      let c: RealConn | null = null;
      for (let i = 0; i < 300 && !c; i++) {
        c = await RealConn.connect(port).catch(() => null);
        if (!c) await new Promise((r) => setTimeout(r, 10));
      }
      expect(c).not.toBeNull();
      const keys = ['', 'a', 'foo', '{', '}', '{}', '{}x', 'x{}', '{a', 'a}', '{a}', '{{a}}', 'x{a}{b}', '\x00{\xff}\x80',
        '\xff\xfe\xfd', 'user:{42}:profile', '{user1000}.following'];
      let seed = 99;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
      for (let i = 0; i < 500; i++) {
        let k = '';
        const n = rnd() % 12;
        for (let j = 0; j < n; j++) k += String.fromCharCode(rnd() % 5 === 0 ? '{}'.charCodeAt(rnd() % 2) : rnd() % 256);
        keys.push(k);
      }
      for (const k of keys) c!.send(['CLUSTER', 'KEYSLOT', k]);
      for (const k of keys) {
        const { reply } = await c!.read();
        expect(reply, JSON.stringify(k)).toEqual({ t: 'int', v: keyHashSlot(k) });
      }
      c!.close();
    } finally {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
