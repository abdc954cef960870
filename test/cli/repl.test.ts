import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReplSession, REPL_HELP } from '../../src/cli/repl.js';

/** Feed lines to a session; returns the printed text (async output included). */
async function feed(s: ReplSession, lines: string[]): Promise<string> {
  let out = '';
  s.onAsync = (b) => { out += b; };
  for (const l of lines) out += (await s.line(l)).out;
  return out;
}

describe('repl session', () => {
  test('prompt shows client, db and transaction state like redis-cli', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000 });
    expect(s.prompt()).toBe('A 127.0.0.1:6379> ');
    await s.line('SELECT 1');
    expect(s.prompt()).toBe('A 127.0.0.1:6379[1]> ');
    await s.line('MULTI');
    expect(s.prompt()).toBe('A 127.0.0.1:6379[1](TX)> ');
    await s.line(':use B');
    expect(s.prompt()).toBe('B 127.0.0.1:6379> ');
    await s.line(':use A');
    await s.line('EXEC');
    expect(s.prompt()).toBe('A 127.0.0.1:6379[1]> ');
    s.close();
  });

  test('WATCH across two clients, with :clients showing queue and watched keys', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000 });
    const out = await feed(s, [
      'WATCH k',
      'SELECT 2',
      'WATCH k2',
      'MULTI',
      'INCR k',
      ':clients',
      '@B SET k 10',
      ':clients',
      'EXEC',
      '@B GET k',
    ]);
    expect(out).toBe([
      'OK', 'OK', 'OK', 'OK', 'QUEUED',
      '* A  id=1 db=2  MULTI queued=1  WATCH 0:"k" "k2"',
      'OK',
      '* A  id=1 db=2  MULTI queued=1  (a watched key changed: EXEC will fail)',
      '  B  id=2 db=0  no MULTI',
      '(nil)', '"10"', '',
    ].join('\n'));
    s.close();
  });

  test('a blocked command does not freeze the REPL; its reply comes later, prefixed', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000 });
    const out = await feed(s, [
      'BLPOP q1 q2 0',
      'GET x',
      '@B RPUSH q2 a b',
      'LLEN q2',
    ]);
    expect(out).toBe([
      '(blocked)',
      'client A is blocked in "BLPOP" "q1" "q2" "0": send from another client (@NAME ...) or wait for its reply',
      '(integer) 2',
      'A: 1) "q2"',
      '   2) "a"',
      '(integer) 1', '',
    ].join('\n'));
    s.close();
  });

  test('a long script does not freeze the REPL: other clients get BUSY, SCRIPT KILL / FUNCTION KILL stop it', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000, sim: { config: { 'busy-reply-threshold': '100' } } });
    const out = await feed(s, [
      'EVAL "while true do end" 0',
      '@B PING',
      'PING',
      ':clients',
      '@B SCRIPT KILL',
      '@B PING',
      'EVAL "redis.call(\'set\',\'x\',1) while true do end" 0',
      '@B SCRIPT KILL',
      '@B FUNCTION KILL',
    ]);
    expect(out).toBe([
      '(script still running after busy-reply-threshold: other clients get BUSY; @NAME SCRIPT KILL stops it)',
      '(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      'client A is waiting for its script ("EVAL" "while true do end" "0"): send from another client (@NAME ...), e.g. @NAME SCRIPT KILL',
      '* A  id=1 db=0  no MULTI  running "EVAL" "while true do end" "0"',
      '  B  id=2 db=0  no MULTI',
      'OK',
      'A: (error) ERR Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.',
      'PONG',
      '(script still running after busy-reply-threshold: other clients get BUSY; @NAME SCRIPT KILL stops it)',
      '(error) UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
      '(error) UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
      '',
    ].join('\n'));
    s.close();
  });

  test('a long FCALL: FUNCTION KILL, and SCRIPT KILL is refused as in Redis', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000, sim: { config: { 'busy-reply-threshold': '100' } } });
    const out = await feed(s, [
      'FUNCTION LOAD "#!lua name=lib\\nredis.register_function(\'spin\', function() while true do end end)"',
      'FCALL spin 0',
      '@B SCRIPT KILL',
      '@B FUNCTION KILL',
      'FCALL spin 0',
      '@B FUNCTION KILL',
    ]);
    expect(out).toBe([
      '"lib"',
      '(script still running after busy-reply-threshold: other clients get BUSY; @NAME FUNCTION KILL stops it)',
      '(error) BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
      'OK',
      'A: (error) ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.',
      '(script still running after busy-reply-threshold: other clients get BUSY; @NAME FUNCTION KILL stops it)',
      'OK',
      'A: (error) ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.',
      '',
    ].join('\n'));
    s.close();
  });

  test(':time advances the virtual clock and fires timeouts', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000 });
    const out = await feed(s, [
      '@C BLPOP q 2',
      ':time +1500',
      ':time +501',
      ':time',
      'SET k v PX 100',
      ':time 1700000002100',
      'GET k',
      ':time +2',
      'GET k',
      ':time 5',
    ]);
    expect(out).toBe([
      '(blocked)',
      'virtual time 1700000001500 ms (2023-11-14T22:13:21.500Z)',
      'virtual time 1700000002001 ms (2023-11-14T22:13:22.001Z)',
      'C: (nil)',
      'virtual time 1700000002001 ms (2023-11-14T22:13:22.001Z)',
      'OK',
      'virtual time 1700000002100 ms (2023-11-14T22:13:22.100Z)',
      '"v"',
      'virtual time 1700000002102 ms (2023-11-14T22:13:22.102Z)',
      '(nil)',
      'the virtual clock does not go backwards', '',
    ].join('\n'));
    s.close();
  });

  test('REPL commands and their errors', async () => {
    const s = new ReplSession();
    expect(await feed(s, [':help'])).toBe(REPL_HELP);
    expect(await feed(s, [':time +5'])).toBe('virtual time is off: start the REPL with --virtual-time MS\n');
    expect(await feed(s, [':nope', ':use', '@b!d PING', 'SET "a'])).toBe(
      "unknown REPL command ':nope' (:help lists them)\nusage: :use NAME\nbad client name '@b!d' (letters, digits, _ . -)\nInvalid argument(s)\n");
    expect(await s.line('exit')).toEqual({ out: '', quit: true });
    s.close();
  });

  test('--resp 3: every client speaks RESP3', async () => {
    const s = new ReplSession({ resp: 3 });
    expect(await feed(s, ['HSET h f v', 'HGETALL h', '@B HGETALL h'])).toBe('(integer) 1\n1# "f" => "v"\n1# "f" => "v"\n');
    s.close();
  });

  test('a client killed by another one reconnects on next use', async () => {
    const s = new ReplSession();
    const out = await feed(s, ['@B CLIENT ID', 'CLIENT KILL ID 2', '@B CLIENT ID']);
    expect(out).toBe('(integer) 2\n(integer) 1\n(integer) 3\n');
    s.close();
  });
});

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/src/cli/repl.js', import.meta.url)));

describe.skipIf(!built)('redsim repl (dist build), piped stdin', () => {
  test('no prompt echo; replies, blocking and :time', () => {
    const r = spawnSync(process.execPath, [BIN, 'repl', '--virtual-time', '1700000000000'], {
      input: 'SET k v\n@B BLPOP q 1\n:time +1001\nGET k\nSET bin "\\xff"\nGET bin\nquit\nGET never\n',
      encoding: 'latin1',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('OK\n(blocked)\nvirtual time 1700000001001 ms (2023-11-14T22:13:21.001Z)\nB: (nil)\n"v"\nOK\n"\\xff"\n');
  });

  test('end of input while a script runs (even one that wrote) ends the REPL', () => {
    const r = spawnSync(process.execPath, [BIN, 'repl', '--config', 'busy-reply-threshold=50'], {
      input: 'EVAL "redis.call(\'set\',\'a\',1) while true do end" 0\n@B PING\n', encoding: 'latin1', timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('(script still running after busy-reply-threshold: other clients get BUSY; @NAME SCRIPT KILL stops it)\n' +
      '(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\n');
  });
});

describe.skipIf(!built)('redsim check-script (dist build)', () => {
  test('FILE:LINE:COL findings and exit code 1 on errors', () => {
    const file = fileURLToPath(new URL('../../examples/scripts/rate-limit.lua', import.meta.url));
    const r = spawnSync(process.execPath, [BIN, 'check-script', file], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(`${file}:6:1: error: assignment to global 'limit': Redis 7 scripts fail with "Attempt to modify a readonly table" (use local)`);
    expect(r.stdout).toContain(`${file}:7:19: warning: literal key name`);
  });
});
