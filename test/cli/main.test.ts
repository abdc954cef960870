import { describe, expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

// These run the built command (`npm test` builds first); see run.test.ts and
// test/net/server.test.ts for the same logic tested in-process.
const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const built = existsSync(BIN);

describe.skipIf(!built)('redsim command (dist build)', () => {
  test('starts with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('run reads stdin and prints like redis-cli', () => {
    const r = spawnSync(process.execPath, [BIN, 'run'], { input: 'SET k v\nGET k\nGET "k\n', encoding: 'latin1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('OK\n"v"\nInvalid argument(s)\n');
  });

  test('run --resp 3 --virtual-time', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--resp', '3', '--virtual-time', '1700000000500'], {
      input: 'TIME\nCONFIG GET maxmemory-policy\n',
      encoding: 'latin1',
    });
    expect(r.stdout).toBe('1) "1700000000"\n2) "500000"\n1# "maxmemory-policy" => "noeviction"\n');
  });

  test('bad options are rejected', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--resp', '4'], { input: '', encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--resp');
  });

  test('serve: answers on the printed port, exits 0 on SIGTERM', async () => {
    const p = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      p.stdout.on('data', (c) => {
        out += c;
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      p.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      s.on('data', (c) => {
        got += c.toString('latin1');
        if (got.length >= 7) {
          s.destroy();
          resolve(got);
        }
      });
      s.write('PING\r\n');
    });
    expect(reply).toBe('+PONG\r\n');
    const exit = new Promise<[number | null, string | null]>((resolve) => p.on('exit', (code, sig) => resolve([code, sig])));
    p.kill('SIGTERM');
    expect(await exit).toEqual([0, null]);
  });
});
