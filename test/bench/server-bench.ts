/**
 * npm run bench:server: redis-benchmark against `redsim serve` and a real
 * redis-server side by side (same machine, alternating runs per test), with
 * 50 clients, pipelined (-P 16) and not. Prints requests/s and the ratio
 * redsim / Redis. Not a unit test: numbers move with the machine's load.
 *
 *   npm run bench:server [-- --requests 200000] [-- --tests set,get] [-- --rounds 2]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
};
const REQUESTS = Number(opt('--requests', '200000'));
const TESTS = opt('--tests', 'set,get,incr,lpush,sadd,hset,zadd').split(',');
const ROUNDS = Number(opt('--rounds', '1'));
const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.join(here, '..', '..', 'src', 'cli', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** requests/s per test name (upper case, as redis-benchmark prints it). */
function bench(port: number, test: string, pipeline: number): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', test, '-n', String(REQUESTS), '-c', '50', '-P', String(pipeline), '--csv'],
    { encoding: 'utf8' });
  if (r.error) throw r.error;
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([0-9.]+)"/.exec(line);
    if (m && m[1].toLowerCase().startsWith(test)) return Number(m[2]);
  }
  throw new Error(`no result for ${test} in: ${r.stdout}${r.stderr}`);
}

async function main(): Promise<void> {
  if (spawnSync('redis-benchmark', ['--version']).error || spawnSync('redis-server', ['--version']).error) {
    console.log('redis-server and redis-benchmark are needed (apt-get install -y redis-server)');
    process.exit(1);
  }
  const [rp, sp] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'redsim-bench-'));
  const procs: ChildProcess[] = [];
  const stop = () => { for (const p of procs) p.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
  process.on('exit', stop);
  procs.push(spawn('redis-server', ['--port', String(rp), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''], { stdio: 'ignore' }));
  procs.push(spawn(process.execPath, [MAIN, 'serve', '--port', String(sp)], { stdio: 'ignore' }));
  await waitPort(rp);
  await waitPort(sp);
  console.log(`redis-benchmark -n ${REQUESTS} -c 50, best of ${ROUNDS} round(s); redsim serve vs redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=(\S+)/)?.[1] ?? ''}`);
  for (const pipeline of [16, 1]) {
    console.log(`\n-P ${pipeline}`);
    console.log(`  ${'test'.padEnd(8)} ${'redis req/s'.padStart(12)} ${'redsim req/s'.padStart(13)} ${'ratio'.padStart(7)}`);
    const ratios: number[] = [];
    for (const t of TESTS) {
      let real = 0, sim = 0;
      for (let i = 0; i < ROUNDS; i++) {
        real = Math.max(real, bench(rp, t, pipeline));
        sim = Math.max(sim, bench(sp, t, pipeline));
      }
      ratios.push(sim / real);
      console.log(`  ${t.toUpperCase().padEnd(8)} ${Math.round(real).toLocaleString('en-US').padStart(12)} ${Math.round(sim).toLocaleString('en-US').padStart(13)} ${(sim / real).toFixed(2).padStart(6)}x`);
    }
    const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    console.log(`  ${'geomean'.padEnd(8)} ${''.padStart(12)} ${''.padStart(13)} ${geo.toFixed(2).padStart(6)}x`);
  }
  stop();
  process.exit(0);
}

void main();
