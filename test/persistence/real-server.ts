/**
 * A real redis-server for the persistence tests: private dir, unix socket only
 * (no port to race for), log in the dir. Resolves once the socket exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function spawnRealOnSocket(bin: string, dir: string, args: string[], procs: ChildProcess[]): Promise<{ sock: string; proc: ChildProcess }> {
  const sock = path.join(dir, 'redis.sock');
  const log = path.join(dir, 'log.txt');
  const proc = spawn(bin, ['--port', '0', '--unixsocket', sock, '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', log, ...args], { stdio: 'ignore' });
  procs.push(proc);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (existsSync(sock)) resolve({ sock, proc });
      else if (Date.now() - t0 > 10_000) reject(new Error('redis-server did not start: ' + (existsSync(log) ? readFileSync(log, 'utf8') : '')));
      else setTimeout(poll, 30);
    };
    poll();
  });
}
