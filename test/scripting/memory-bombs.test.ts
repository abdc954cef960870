/**
 * Issue 7, crash 3: Lua strings are Uint8Arrays whose memory is outside the
 * V8 heap. A script piling them up must get Redis's "not enough memory" and
 * the process must keep serving. Runs the built server in a child node with
 * a small heap (the guard's budget is a share of the heap limit, counting
 * external memory too).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import net from 'node:net';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.resolve(here, '../../dist/src/cli/main.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

function encode(args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

/** Send one command on a fresh connection and return the raw first reply line(s). */
function command(port: number, args: string[], timeoutMs = 60000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('timeout')); }, timeoutMs);
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (/\r\n$/.test(buf) && (buf[0] !== '*' || buf.split('\r\n').length > 2)) {
        clearTimeout(timer);
        sock.end();
        resolve(buf);
      }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => { clearTimeout(timer); if (!buf) reject(new Error('closed without reply')); });
    sock.write(encode(args));
  });
}

const haveBuild = fs.existsSync(main);
const OOM = /^-ERR Error running script [0-9a-f]{40}, not enough memory\r\n$/;

describe.skipIf(!haveBuild)('script memory bombs in a small heap', () => {
  let child: ChildProcess;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['--max-old-space-size=256', main, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
      child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
  }, 30000);
  afterAll(() => { child?.kill(); });

  const bombs = [
    // the reproductions: 1 MB and 100 MB strings kept in a table
    'local t={} for i=1,100000 do t[i]=string.rep("x",1e6)..i end return #t',
    'local t={} for i=1,100000 do t[i]=string.rep("x",1e8)..i end return #t',
    "local s='x' for i=1,40 do s=s..s end return #s",
    "local t={} for i=1,100 do t[i]=string.rep('x',1e8) end return #table.concat(t)",
    "local b=string.rep('x',2^26) local t={} for i=1,40 do t[i]=string.format('%s%s',b,i) end return 1",
    "local t={} for i=1,100 do t[i]=cjson.encode({string.rep('x',1e8)}) end return 1",
    "local t={} for i=1,300 do t[i]=string.upper(string.rep('x',1e7)..i) end return 1",
  ];
  for (const body of bombs) {
    it(body, async () => {
      expect(await command(port, ['EVAL', body, '0'])).toMatch(OOM);
      expect(await command(port, ['PING'])).toBe('+PONG\r\n');
    }, 120000);
  }

  it('pcall catches the memory error as in Redis (false, "not enough memory")', async () => {
    const r = await command(port, ['EVAL', 'local ok, e = pcall(function() local t={} for i=1,100000 do t[i]=string.rep("x",1e6)..i end end) return {tostring(ok), e}', '0']);
    expect(r).toBe('*2\r\n$5\r\nfalse\r\n$17\r\nnot enough memory\r\n');
    expect(await command(port, ['SET', 'k', 'v'])).toBe('+OK\r\n');
  }, 120000);
});
