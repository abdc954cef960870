/**
 * Differential harness: runs a scenario transcript against a real redis-server and
 * against redsim, comparing RESP bytes reply by reply. See test/diff/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { readFileSync, mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { Client } from '../../src/client.js';
import type { Reply } from '../../src/reply.js';
import { ReplyReader } from '../../src/resp/reply-reader.js';
import { encodeReply } from '../../src/resp/encode.js';
import { splitArgs } from '../../src/cli/split.js';
import { RedSimServer } from '../../src/net/server.js';

/** Every scenario transcript below `dir`, sorted. */
export function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...scenarioFiles(p));
    else if (e.endsWith('.txt')) out.push(p);
  }
  return out.sort();
}

export function redisServerPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

export class RealRedis {
  proc: ChildProcess | null = null;
  port = 0;
  static async start(bin: string): Promise<RealRedis> {
    // Another process may grab the same free port first (parallel test runs):
    // retry until the server answering is the one we spawned.
    for (let attempt = 0; ; attempt++) {
      const r = await RealRedis.startOnce(bin);
      if (await r.isOurs()) return r;
      r.stop();
      if (attempt >= 4) throw new Error('redis-server: the port was taken by another server');
    }
  }
  private async isOurs(): Promise<boolean> {
    const c = await RealConn.connect(this.port);
    try {
      c.send(['INFO', 'server']);
      const { reply } = await c.read();
      const pid = reply.t === 'bulk' || reply.t === 'verbatim' ? /process_id:(\d+)/.exec(reply.v)?.[1] : undefined;
      return pid !== undefined && Number(pid) === this.proc?.pid;
    } finally { c.close(); }
  }
  private static async startOnce(bin: string): Promise<RealRedis> {
    const r = new RealRedis();
    r.port = await freePort();
    // A private working directory, so a stray dump.rdb can never be loaded at start-up.
    r.dir = mkdtempSync(path.join(tmpdir(), 'redsim-diff-'));
    r.proc = spawn(bin, ['--port', String(r.port), '--bind', '127.0.0.1', '--dir', r.dir, '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning', '--enable-debug-command', 'yes'], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await canConnect(r.port)) return r;
      await sleep(10);
    }
    r.stop();
    throw new Error('redis-server did not start');
  }
  dir = '';
  stop(): void {
    this.proc?.kill('SIGKILL');
    this.proc = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One raw-socket client of the real server, reading replies as exact bytes. */
export class RealConn {
  private reader = new ReplyReader();
  private waiters: Array<(x: { reply: Reply; raw: Buffer }) => void> = [];
  private ready: Array<{ reply: Reply; raw: Buffer }> = [];
  constructor(private sock: net.Socket) {
    sock.on('data', (d) => {
      this.reader.push(d);
      for (let x = this.reader.nextRaw(); x; x = this.reader.nextRaw()) {
        const copy = { reply: x.reply, raw: Buffer.from(x.raw) };
        const w = this.waiters.shift();
        if (w) w(copy); else this.ready.push(copy);
      }
    });
  }
  static connect(port: number): Promise<RealConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RealConn(s)));
      s.once('error', reject);
    });
  }
  send(argv: string[]): void {
    const parts = [`*${argv.length}\r\n`];
    for (const a of argv) parts.push(`$${a.length}\r\n`, a, '\r\n');
    this.sock.write(Buffer.from(parts.join(''), 'latin1'));
  }
  get pending(): number { return this.ready.length; }
  read(timeoutMs = 5000): Promise<{ reply: Reply; raw: Buffer }> {
    const x = this.ready.shift();
    if (x) return Promise.resolve(x);
    return new Promise((resolve, reject) => {
      const w = (v: { reply: Reply; raw: Buffer }) => { clearTimeout(t); resolve(v); };
      // A timed-out read must not take a later frame.
      const t = setTimeout(() => { this.waiters = this.waiters.filter((x) => x !== w); reject(new Error('timeout waiting for real redis reply')); }, timeoutMs);
      this.waiters.push(w);
    });
  }
  close(): void { this.sock.destroy(); }
}

/**
 * The in-process redsim side of one client, read like a socket: replies and pushes
 * are encoded as they are produced and split back into frames, so a command that
 * answers several frames (SUBSCRIBE a b) and out-of-band pushes line up with what
 * the real server's socket delivers.
 */
class SimFrames {
  private reader = new ReplyReader();
  private ready: Array<{ reply: Reply; raw: Buffer }> = [];
  feed(b: Buffer): void {
    if (b.length === 0) return;
    this.reader.push(b);
    for (let x = this.reader.nextRaw(); x; x = this.reader.nextRaw()) this.ready.push({ reply: x.reply, raw: Buffer.from(x.raw) });
  }
  shift(): { reply: Reply; raw: Buffer } | undefined { return this.ready.shift(); }
  get size(): number { return this.ready.length; }
}

export interface Mismatch { file: string; line: number; command: string; redis: string; redsim: string }

export type Mode = 'exact' | 'sort' | 'sortpairs' | 'len' | 'near' | 'monitor';

export function show(b: Buffer): string { return JSON.stringify(b.toString('latin1')); }

/** The reply type as the wire shows it: RESP2 has no map/set/push types. */
function wireType(r: Reply, resp: 2 | 3): string {
  if (resp === 2 && (r.t === 'map' || r.t === 'set' || r.t === 'push')) return 'array';
  return r.t;
}

/** A MONITOR line with its wall-clock time and client port masked (both differ between the servers). */
function maskMonitor(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/^\+\d+\.\d{6} \[(\d+) (lua|127\.0\.0\.1:\d+)\]/,
    (_m, db: string, who: string) => `+<time> [${db} ${who === 'lua' ? 'lua' : '127.0.0.1:<port>'}]`), 'latin1');
}

export function normalize(r: Reply, mode: Mode, resp: 2 | 3): Buffer {
  if (mode === 'exact') return encodeReply(r, resp);
  if (mode === 'monitor') return maskMonitor(encodeReply(r, resp));
  const items = r.t === 'array' || r.t === 'set' ? r.v : r.t === 'map' ? r.v.flat() : null;
  if (!items) return encodeReply(r, resp);
  const t = wireType(r, resp);
  if (mode === 'len') return Buffer.from(`${t}:${items.length}`);
  const enc = items.map((x) => encodeReply(x, resp).toString('latin1'));
  if (mode === 'sort') enc.sort();
  else {
    const pairs: string[] = [];
    for (let i = 0; i < enc.length; i += 2) pairs.push(enc[i] + (enc[i + 1] ?? ''));
    pairs.sort();
    return Buffer.from(`${t}:` + pairs.join(''), 'latin1');
  }
  return Buffer.from(`${t}:` + enc.join(''), 'latin1');
}

/** Run one scenario file; returns the mismatches (empty when redsim agrees) and how many replies were compared. */
/**
 * Run one scenario file; returns the mismatches (empty when redsim agrees) and how many replies were compared.
 * `via: 'tcp'` talks to redsim through its RESP server over loopback instead of in-process,
 * so the protocol layer (parsing, encoding, pipelining) is compared too.
 */
export async function runScenario(file: string, redisBin: string, opts: { via?: 'inprocess' | 'tcp' } = {}): Promise<{ compared: number; mismatches: Mismatch[] }> {
  const text = readFileSync(file, 'utf8');
  const real = await RealRedis.start(redisBin);
  // A private dir, like the real server's: SAVE / DEBUG RELOAD never write into the checkout.
  const simDir = mkdtempSync(path.join(tmpdir(), 'redsim-diff-'));
  const sim = new RedSim({ clock: new VirtualClock(Date.now()), seed: 1, config: { 'enable-debug-command': 'yes', dir: simDir } });
  const tcp = opts.via === 'tcp' ? new RedSimServer(sim) : null;
  const simPort = tcp ? (await tcp.listen({ port: 0, host: '127.0.0.1' })).port : 0;
  const simConns = new Map<string, RealConn>();
  const clock = sim.clock as VirtualClock;
  const realConns = new Map<string, RealConn>();
  const simClients = new Map<string, Client>();
  const simFrames = new Map<string, SimFrames>();
  const pendingSim = new Map<string, Promise<Reply> | Reply>();
  const pendingCmd = new Map<string, string>();
  const mismatches: Mismatch[] = [];
  let compared = 0;
  // Align client ids: the real server numbered our readiness probes too.
  const meta = await RealConn.connect(real.port);
  meta.send(['CLIENT', 'ID']);
  const metaId = (await meta.read()).reply;
  meta.close();
  if (metaId.t === 'int') sim.setNextClientId(Number(metaId.v) + 1);
  const getConn = async (name: string) => {
    let rc = realConns.get(name);
    if (!rc) {
      rc = await RealConn.connect(real.port);
      realConns.set(name, rc);
      if (tcp) {
        const before = new Set(sim.clients.keys());
        simConns.set(name, await RealConn.connect(simPort));
        let created: Client | undefined;
        for (let i = 0; i < 200 && !created; i++) {
          created = [...sim.clients.values()].find((c) => !before.has(c.id));
          if (!created) await sleep(1);
        }
        if (!created) throw new Error('redsim server did not register the connection');
        simClients.set(name, created);
      } else {
        const c = sim.createClient();
        const frames = new SimFrames();
        c.deliver = (f) => frames.feed(encodeReply(f, c.resp));
        simClients.set(name, c);
        simFrames.set(name, frames);
      }
    }
    return { rc, sc: simClients.get(name)!, simConn: simConns.get(name), frames: simFrames.get(name) };
  };
  const NO_FRAME = { reply: { t: 'status', v: '(no reply from redsim)' } as Reply, raw: Buffer.from('(no reply from redsim)') };
  /** The next frame redsim sent to this client (a reply or a push). */
  const nextSimFrame = async (simConn: RealConn | undefined, frames: SimFrames | undefined) => {
    if (simConn) return simConn.read().catch(() => NO_FRAME);
    return frames!.shift() ?? NO_FRAME;
  };
  const NO_REAL = { reply: { t: 'status', v: '(no reply from redis)' } as Reply, raw: Buffer.from('(no reply from redis)') };
  let tolerance = 0;
  const compare = (lineNo: number, cmd: string, mode: Mode, realR: { reply: Reply; raw: Buffer }, simR: Reply | { reply: Reply; raw: Buffer }, resp: 2 | 3) => {
    compared++;
    if (mode === 'near') {
      // Wall-clock dependent integers (PTTL): equal within the tolerance.
      const x = realR.reply;
      const y = 'raw' in simR ? simR.reply : simR;
      const ok = x.t === 'int' && y.t === 'int' && Math.abs(Number(x.v) - Number(y.v)) <= tolerance;
      if (!ok) mismatches.push({ file, line: lineNo, command: cmd, redis: show(realR.raw), redsim: show(encodeReply(y, resp)) + ` (tolerance ${tolerance})` });
      return;
    }
    const a = mode === 'exact' ? realR.raw : normalize(realR.reply, mode, resp);
    const b = 'raw' in simR ? (mode === 'exact' ? simR.raw : normalize(simR.reply, mode, resp)) : normalize(simR, mode, resp);
    if (!a.equals(b)) mismatches.push({ file, line: lineNo, command: cmd, redis: show(a), redsim: show(b) });
  };
  try {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i].trim();
      const lineNo = i + 1;
      if (!line || line.startsWith('#')) continue;
      let mode: Mode = 'exact';
      const dm = /^!(\w[\w-]*)\s*(.*)$/.exec(line);
      if (dm) {
        const [, d, rest] = dm;
        if (d === 'sleep') { const ms = Number(rest); await sleep(ms); clock.advance(ms); continue; }
        if (d === 'empty') {
          // Neither side has sent this client anything more.
          const { rc, simConn, frames } = await getConn(rest.trim() || 'A');
          await sleep(50);
          const left = { redis: rc.pending, redsim: simConn ? simConn.pending : frames!.size };
          compared++;
          if (left.redis !== 0 || left.redsim !== 0) {
            mismatches.push({ file, line: lineNo, command: line, redis: `${left.redis} frame(s) pending`, redsim: `${left.redsim} frame(s) pending` });
          }
          continue;
        }
        if (d === 'noreply') {
          // A command that answers nothing (CLIENT REPLY OFF/SKIP): send it, read nothing.
          const nm = /^@(\w+)\s+(.*)$/.exec(rest.trim());
          const who = nm ? nm[1] : 'A';
          const argv = splitArgs(nm ? nm[2] : rest.trim());
          if (!argv) throw new Error(`${file}:${lineNo}: bad quoting`);
          const { rc, sc, simConn, frames } = await getConn(who);
          rc.send(argv);
          if (simConn) simConn.send(argv);
          else { const r = sim.execute(sc, argv); if (!(r instanceof Promise)) frames!.feed(encodeReply(r, sc.resp)); }
          continue;
        }
        if (d === 'sort' || d === 'sortpairs' || d === 'len' || d === 'monitor') { mode = d; line = rest.trim(); }
        else if (d === 'near') {
          const nm = /^(\d+)\s+(.*)$/.exec(rest);
          if (!nm) throw new Error(`${file}:${lineNo}: !near needs a tolerance and a command`);
          mode = 'near'; tolerance = Number(nm[1]); line = nm[2].trim();
        }
        else throw new Error(`${file}:${lineNo}: unknown directive !${d}`);
      }
      let client = 'A';
      let async = false;
      const cm = /^@(\w+)(&|\?|>)?\s*(.*)$/.exec(line);
      if (line === '>') { line = '@A>'; }
      if (line === '>>') { line = '@A>>'; }
      const dm2 = /^@(\w+)>>$/.exec(line);
      if (dm2) {
        // Every frame this client has received so far, in order (after a short wait).
        const { rc, sc, simConn, frames } = await getConn(dm2[1]);
        await sleep(50);
        const n = Math.max(rc.pending, simConn ? simConn.pending : frames!.size);
        for (let k = 0; k < n; k++) {
          const realR = await rc.read(500).catch(() => NO_REAL);
          compare(lineNo, `${line} #${k + 1}`, mode, realR, await nextSimFrame(simConn, frames), sc.resp);
        }
        if (n === 0) compared++;
        continue;
      }
      const pm = /^@(\w+)>$/.exec(line);
      if (pm) {
        // The next frame this client received: a push, or a further frame of a multi-frame reply.
        const { rc, sc, simConn, frames } = await getConn(pm[1]);
        const realR = await rc.read(2000).catch(() => NO_REAL);
        compare(lineNo, line, mode, realR, await nextSimFrame(simConn, frames), sc.resp);
        continue;
      }
      if (cm) {
        client = cm[1];
        if (cm[2] === '?') {
          const { rc, sc, simConn } = await getConn(client);
          const simR = simConn ? await simConn.read() : await pendingSim.get(client)!;
          // (pushes delivered while blocked were queued in the client's frames)
          pendingSim.delete(client);
          compare(lineNo, pendingCmd.get(client) ?? '?', mode, await rc.read(), simR, sc.resp);
          continue;
        }
        async = cm[2] === '&';
        line = cm[3];
      }
      const argv = splitArgs(line);
      if (!argv) throw new Error(`${file}:${lineNo}: bad quoting`);
      if (argv.length === 0) continue;
      const { rc, sc, simConn, frames } = await getConn(client);
      const respBefore = sc.resp;
      rc.send(argv);
      let simR: Promise<Reply> | Reply | null = null;
      if (simConn) simConn.send(argv); else simR = sim.execute(sc, argv);
      if (async) { if (simR) pendingSim.set(client, simR); pendingCmd.set(client, line); await sleep(20); continue; }
      const realR = await rc.read().catch(() => NO_REAL);
      let s: Reply | { reply: Reply; raw: Buffer };
      if (simConn) s = await simConn.read().catch(() => NO_FRAME);
      else if (simR instanceof Promise) s = await simR;
      else { frames!.feed(encodeReply(simR!, sc.resp)); s = frames!.shift() ?? NO_FRAME; }
      // HELLO switches protocol: encode with the protocol in force after the command.
      compare(lineNo, line, mode, realR, s, sc.resp !== respBefore ? sc.resp : respBefore);
    }
  } finally {
    for (const c of realConns.values()) c.close();
    for (const c of simConns.values()) c.close();
    await tcp?.close();
    sim.stop();
    real.stop();
    rmSync(simDir, { recursive: true, force: true });
  }
  return { compared, mismatches };
}
