import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configText, parseConfig } from '../../src/cli/redis-server.js';

const BIN = fileURLToPath(new URL('../../dist/src/cli/redis-server.js', import.meta.url));

describe('redsim-server: redis-server compatible command line', () => {
  it('builds one configuration from file, stdin and --options as redis-server does', () => {
    const text = configText(['/conf', '-', '--port', '7000', '--save', '', '--bind', '127.0.0.1', '::1'], () => 'dir /tmp', () => 'maxmemory 1mb');
    expect(text).toBe('dir /tmp\nmaxmemory 1mb\nport "7000" \nsave "" \nbind "127.0.0.1" "::1" ');
    const cfg = parseConfig(text, () => '');
    expect(cfg.values).toMatchObject({ dir: '/tmp', maxmemory: '1048576', port: '7000', save: '' });
    expect(cfg.bind).toEqual(['127.0.0.1', '::1']);
  });

  it('a bad line stops start-up with the FATAL CONFIG FILE ERROR report and exit code 1', () => {
    const r = spawnSync(process.execPath, [BIN, '--port', 'abc'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n");
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-srv-'));
    writeFileSync(path.join(dir, 'r.conf'), 'port 0\nnosuchdirective yes\n');
    const r2 = spawnSync(process.execPath, [BIN, path.join(dir, 'r.conf')], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(">>> 'nosuchdirective yes'\nBad directive or wrong number of arguments");
    expect(spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).stdout).toMatch(/^Redis server v=7\.0\.15 /);
  });

  it('starts from a config file: log lines, pidfile, dir, Ready to accept connections; SHUTDOWN exits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redsim-srv-'));
    const port = await new Promise<number>((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); }); });
    writeFileSync(path.join(dir, 'r.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\npidfile ${dir}/redis.pid\nalways-show-logo yes\nsave 900 1\n`);
    const p = spawn(process.execPath, [BIN, path.join(dir, 'r.conf'), '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    for (let i = 0; i < 200 && !out.includes('Ready to accept connections'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(out).toMatch(new RegExp(`^${p.pid}:M \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\* `, 'm'));
    expect(out).toContain(` PID: ${p.pid}`);
    expect(readFileSync(path.join(dir, 'redis.pid'), 'utf8')).toBe(`${p.pid}\n`);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nSAVE\r\n*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nsave\r\n'));
      let b = '';
      s.on('data', (d) => {
        b += d;
        // All three replies in: now SHUTDOWN (no reply; the connection drops as the process exits).
        if (b.endsWith('$0\r\n\r\n')) s.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
      });
      s.on('close', () => resolve(b));
      s.on('error', reject);
    });
    expect(reply).toBe('+OK\r\n+OK\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    const code = await new Promise<number | null>((r) => p.on('exit', r));
    expect(code).toBe(0);
    expect(existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    expect(existsSync(path.join(dir, 'redis.pid'))).toBe(false);
  });
});
