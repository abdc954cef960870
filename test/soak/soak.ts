/**
 * npm run soak: the large reproductions of issue 7 against a real `redsim serve`
 * process (not part of `npm test`: they move gigabytes over loopback). Each case
 * checks the reply (or the documented error) and that the process still serves
 * a fresh client afterwards. Exits 1 on the first failure.
 *
 *   npm run soak [-- --port 6610] [-- --only NAME]
 */
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, '..', '..', 'src', 'cli', 'main.js');

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
};
const PORT = Number(opt('--port', '6610'));
const ONLY = opt('--only', '');

function bulkCmd(args: Array<string | Buffer>): Buffer[] {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return parts;
}

/** A raw connection that counts reply bytes and can wait for a byte total or a close. */
class Raw {
  readonly sock: net.Socket;
  received = 0;
  head = Buffer.alloc(0);
  tail = Buffer.alloc(0);
  closed = false;
  private waiters: Array<() => void> = [];
  constructor() {
    this.sock = net.connect(PORT, '127.0.0.1');
    this.sock.on('data', (c: Buffer) => {
      this.received += c.length;
      if (this.head.length < 256) this.head = Buffer.concat([this.head, c]).subarray(0, 256);
      this.tail = Buffer.concat([this.tail, c]).subarray(-256);
      this.wake();
    });
    this.sock.on('error', () => { /* close follows */ });
    this.sock.on('close', () => { this.closed = true; this.wake(); });
  }
  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
  write(bufs: Buffer[] | Buffer | string): void {
    for (const b of Array.isArray(bufs) ? bufs : [bufs]) this.sock.write(b);
  }
  async until(pred: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timeout waiting for ${what} (received ${this.received} bytes, closed=${this.closed})`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }
  close(): void { this.sock.destroy(); }
}

async function ping(): Promise<void> {
  const c = new Raw();
  c.write('PING\r\n');
  await c.until(() => c.received >= 7 || c.closed, 10_000, 'PONG');
  if (c.head.toString('latin1', 0, 7) !== '+PONG\r\n') throw new Error(`server does not answer PING: ${JSON.stringify(c.head.toString('latin1'))}`);
  c.close();
}

const MB = 1024 * 1024;

const CASES: Array<{ name: string; run: () => Promise<void> }> = [
  {
    name: '600 GETs of a 1 MB value in one write',
    async run() {
      const c = new Raw();
      c.write(bulkCmd(['SET', 'soak:1mb', Buffer.alloc(MB, 0x61)]));
      await c.until(() => c.received >= 5, 10_000, '+OK');
      const one = Buffer.concat(bulkCmd(['GET', 'soak:1mb']));
      c.write(Buffer.concat(Array.from({ length: 600 }, () => one)));
      const want = 5 + 600 * (MB + `$${MB}\r\n\r\n`.length);
      await c.until(() => c.received >= want, 120_000, '600 replies');
      c.close();
    },
  },
  {
    name: 'SETRANGE big 299999999 x, then MGET big big (600 MB reply)',
    async run() {
      const c = new Raw();
      c.write(bulkCmd(['SETRANGE', 'soak:big', '299999999', 'x']));
      await c.until(() => c.received >= 12, 60_000, ':300000000');
      c.write(bulkCmd(['MGET', 'soak:big', 'soak:big']));
      const want = 12 + 4 + 2 * (300_000_000 + '$300000000\r\n\r\n'.length);
      await c.until(() => c.received >= want, 300_000, 'MGET reply');
      c.write(bulkCmd(['DEL', 'soak:big']));
      await c.until(() => c.received >= want + 4, 60_000, 'DEL');
      c.close();
    },
  },
  {
    name: 'a script returning two copies of a 300 MB value',
    async run() {
      const c = new Raw();
      c.write(bulkCmd(['EVAL', "local s = string.rep('x', 300000000) return {s, s}", '0']));
      await c.until(() => c.received >= 4 + 2 * (300_000_000 + 14) || c.tail.includes('-ERR'), 300_000, 'EVAL reply');
      c.close();
    },
  },
  {
    name: 'SET k <536,870,900 bytes>: a clear error, connection alive',
    async run() {
      const c = new Raw();
      const n = 536_870_900;
      c.write(Buffer.from(`*3\r\n$3\r\nSET\r\n$7\r\nsoak:hg\r\n$${n}\r\n`));
      const piece = Buffer.alloc(16 * MB, 0x62);
      for (let left = n; left > 0; left -= piece.length) {
        const b = left >= piece.length ? piece : piece.subarray(0, left);
        if (!c.sock.write(b)) await new Promise((r) => c.sock.once('drain', r));
      }
      c.write('\r\nPING\r\n');
      await c.until(() => c.tail.includes('+PONG\r\n') || c.closed, 120_000, 'error then PONG');
      const text = c.head.toString('latin1');
      if (!text.startsWith('-ERR redsim cannot hold an argument this large')) throw new Error(`unexpected reply ${JSON.stringify(text)}`);
      c.close();
    },
  },
  {
    name: 'too big inline request: the connection is closed after 64 KB',
    async run() {
      const c = new Raw();
      const junk = Buffer.alloc(MB, 0x61);
      let sent = 0;
      while (!c.closed && sent < 64 * MB) {
        if (!c.sock.write(junk)) await new Promise((r) => { c.sock.once('drain', r); c.sock.once('close', r); });
        sent += junk.length;
      }
      await c.until(() => c.closed, 10_000, 'close');
      if (!c.head.toString('latin1').startsWith('-ERR Protocol error: too big inline request')) throw new Error('no protocol error');
      if (sent >= 64 * MB) throw new Error('the server kept reading');
    },
  },
  {
    name: 'a client that never reads a 200 MB reply stream does not stop the others',
    async run() {
      const c = new Raw();
      c.sock.pause();
      c.write(bulkCmd(['SET', 'soak:10mb', Buffer.alloc(10 * MB, 0x63)]));
      const one = Buffer.concat(bulkCmd(['GET', 'soak:10mb']));
      c.write(Buffer.concat(Array.from({ length: 20 }, () => one)));
      await new Promise((r) => setTimeout(r, 1000));
      await ping();
      c.close();
    },
  },
  // script bombs (issue 7, crash 3): strings live outside the V8 heap; the
  // script memory guard counts them and the script gets Redis's memory error
  ...[
    'local t={} for i=1,100000 do t[i]=string.rep("x",1e6)..i end return #t',
    'local t={} for i=1,100000 do t[i]=string.rep("x",1e8)..i end return #t',
    'local t={} for i=1,1e9 do t[i]=i end return 1',
    'local t={} for i=1,1e8 do t[i]={i} end return 1',
    "local t={} for i=1,2000 do t[i]=string.rep('y',1e6)..i end local all={} for i=1,1000 do all[i]=table.concat(t) end return 1",
  ].map((body) => ({
    name: `script bomb: ${body}`,
    async run() {
      const c = new Raw();
      c.write(bulkCmd(['EVAL', body, '0']));
      await c.until(() => c.tail.includes('\r\n') || c.closed, 600_000, 'EVAL reply');
      const text = c.head.toString('latin1');
      if (!/^-ERR Error running script [0-9a-f]{40}, not enough memory\r\n$/.test(text)) throw new Error(`unexpected reply ${JSON.stringify(text)}`);
      c.close();
    },
  })),
];

async function main(): Promise<void> {
  let child: ChildProcess | null = null;
  if (!argv.includes('--external')) {
    child = spawn(process.execPath, ['--max-old-space-size=2048', MAIN, 'serve', '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.once('data', () => resolve());
      child!.once('exit', (code) => reject(new Error(`redsim serve exited with ${code}`)));
    });
  }
  let failed = 0;
  for (const c of CASES) {
    if (ONLY && !c.name.includes(ONLY)) continue;
    const t0 = Date.now();
    try {
      await c.run();
      await ping();
      console.log(`ok   ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${c.name}: ${(e as Error).message}`);
      if (child && child.exitCode !== null) { console.log(`redsim serve exited with ${child.exitCode}`); break; }
    }
  }
  if (child) child.kill('SIGTERM');
  process.exit(failed ? 1 : 0);
}

void main();
