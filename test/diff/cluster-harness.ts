/**
 * Differential scenarios against a real three-master Redis 7.0.15 cluster on
 * loopback. The real cluster is built as `redis-cli --cluster create` builds it
 * (the same slot split, config epochs 1..3, CLUSTER MEET); the simulated one
 * (src/cluster/) gets the real nodes' ids and ports, so replies that name nodes
 * (MOVED, ASK, CLUSTER SLOTS, CLUSTER MYID) compare byte for byte.
 *
 * Lines: `@N CMD` sends from the default client of node N (0..2); `@N.name CMD`
 * from another client of node N; no prefix means node 0. `!info CMD` compares a
 * CLUSTER INFO reply without the bus message counters (the simulation has no bus).
 * `$ID0`..`$ID2` in a command stand for the node ids. `!sleep MS` waits for the real
 * cluster bus to spread a configuration change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { RealConn, show, type Mismatch } from './harness.js';
import { RedSimCluster } from '../../src/cluster/cluster.js';
import { splitSlots } from '../../src/cluster/state.js';
import { VirtualClock } from '../../src/clock.js';
import { encodeReply } from '../../src/resp/encode.js';
import { splitArgs } from '../../src/cli/split.js';
import type { Client } from '../../src/client.js';
import type { Reply } from '../../src/reply.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Three consecutive free ports whose bus ports (+10000) are free too. */
async function threePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ok = await Promise.all([0, 1, 2, 10000, 10001, 10002].map((d) => new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(base + d, '127.0.0.1', () => s.close(() => resolve(true)));
    })));
    if (ok.every(Boolean)) return base;
  }
  return freePort();
}

async function cmd(c: RealConn, ...argv: string[]): Promise<Reply> {
  c.send(argv);
  return (await c.read()).reply;
}

export class RealCluster {
  procs: ChildProcess[] = [];
  dirs: string[] = [];
  ports: number[] = [];
  ids: string[] = [];

  static async start(bin: string): Promise<RealCluster> {
    const rc = new RealCluster();
    const base = await threePorts();
    rc.ports = [base, base + 1, base + 2];
    for (const p of rc.ports) {
      const dir = mkdtempSync(path.join(tmpdir(), 'redsim-cluster-'));
      rc.dirs.push(dir);
      rc.procs.push(spawn(bin, ['--port', String(p), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
        '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--logfile', '',
        '--loglevel', 'warning', '--enable-debug-command', 'yes'], { stdio: 'ignore' }));
    }
    const conns: RealConn[] = [];
    for (const p of rc.ports) {
      let c: RealConn | null = null;
      for (let i = 0; i < 300 && !c; i++) {
        c = await RealConn.connect(p).catch(() => null);
        if (!c) await sleep(10);
      }
      if (!c) throw new Error('cluster node did not start');
      conns.push(c);
    }
    // What redis-cli --cluster create does: slots, config epochs, meet.
    const ranges = splitSlots(3);
    for (let i = 0; i < 3; i++) {
      const id = await cmd(conns[i], 'CLUSTER', 'MYID');
      rc.ids.push(id.t === 'bulk' ? id.v : '');
      await cmd(conns[i], 'CLUSTER', 'ADDSLOTSRANGE', String(ranges[i][0]), String(ranges[i][1]));
      await cmd(conns[i], 'CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1));
    }
    for (let i = 1; i < 3; i++) await cmd(conns[0], 'CLUSTER', 'MEET', '127.0.0.1', String(rc.ports[i]));
    // Wait until every node sees every node and the cluster is ok.
    for (let t = 0; t < 1000; t++) {
      let ready = true;
      for (const c of conns) {
        const info = await cmd(c, 'CLUSTER', 'INFO');
        const txt = info.t === 'bulk' || info.t === 'verbatim' ? info.v : '';
        if (!txt.includes('cluster_state:ok') || !txt.includes('cluster_known_nodes:3')) ready = false;
        const slots = await cmd(c, 'CLUSTER', 'SLOTS');
        if (slots.t !== 'array' || slots.v.length !== 3) ready = false;
      }
      if (ready) break;
      await sleep(20);
    }
    for (const c of conns) c.close();
    return rc;
  }

  stop(): void {
    for (const p of this.procs) p.kill('SIGKILL');
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** CLUSTER INFO without the cluster bus counters. */
function infoWithoutBus(r: Reply, resp: 2 | 3): Buffer {
  if (r.t !== 'bulk' && r.t !== 'verbatim') return encodeReply(r, resp);
  const kept = r.v.split('\r\n').filter((l) => !l.startsWith('cluster_stats_messages_')).join('\r\n');
  return Buffer.from(`${resp === 2 ? 'bulk' : r.t}:${kept}`, 'latin1');
}

export async function runClusterScenario(file: string, bin: string): Promise<{ compared: number; mismatches: Mismatch[] }> {
  const text = readFileSync(file, 'utf8');
  const real = await RealCluster.start(bin);
  const cluster = new RedSimCluster({
    clock: new VirtualClock(Date.now()), seed: 1, config: { 'enable-debug-command': 'yes' },
    cluster: { masters: 3, basePort: real.ports[0], ids: real.ids },
  });
  const realConns = new Map<string, RealConn>();
  const simClients = new Map<string, Client>();
  const mismatches: Mismatch[] = [];
  let compared = 0;
  try {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i].trim();
      if (!line || line.startsWith('#')) continue;
      // Give the real cluster bus time to spread a change (the simulation settles at once).
      const sl = /^!sleep\s+(\d+)$/.exec(line);
      if (sl) { await sleep(Number(sl[1])); continue; }
      let info = false;
      if (line.startsWith('!info ')) { info = true; line = line.slice(6).trim(); }
      let name = '0';
      const cm = /^@(\d)(\.\w+)?\s+(.*)$/.exec(line);
      if (cm) { name = cm[1] + (cm[2] ?? ''); line = cm[3]; }
      const node = Number(name[0]);
      line = line.replace(/\$ID(\d)/g, (_, d: string) => real.ids[Number(d)]);
      const argv = splitArgs(line);
      if (!argv) throw new Error(`${file}:${i + 1}: bad quoting`);
      let rc = realConns.get(name);
      if (!rc) {
        rc = await RealConn.connect(real.ports[node]);
        realConns.set(name, rc);
        // Align client ids with the real node (HELLO, CLIENT ID).
        const id = await cmd(rc, 'CLIENT', 'ID');
        if (id.t === 'int') cluster.nodes[node].setNextClientId(Number(id.v));
        simClients.set(name, cluster.nodes[node].createClient());
      }
      const sc = simClients.get(name)!;
      rc.send(argv);
      const realR = await rc.read();
      const simR = await cluster.nodes[node].execute(sc, argv);
      const resp = sc.resp;
      compared++;
      const a = info ? infoWithoutBus(realR.reply, resp) : realR.raw;
      const b = info ? infoWithoutBus(simR, resp) : encodeReply(simR, resp);
      if (!a.equals(b)) mismatches.push({ file, line: i + 1, command: line, redis: show(a), redsim: show(b) });
    }
  } finally {
    for (const c of realConns.values()) c.close();
    cluster.stop();
    real.stop();
  }
  return { compared, mismatches };
}
