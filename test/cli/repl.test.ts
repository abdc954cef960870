import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
      '@C SUBSCRIBE ch',
      '@D MULTI',
      '@D SET',
      ':clients',
      ':timeline 4',
      ':timeline x',
    ]);
    expect(out).toBe([
      'OK', 'OK', 'OK', 'OK', 'QUEUED',
      '* A  id=1 db=2  MULTI queued=1: `INCR k`  WATCH 0:"k" "k2"',
      'OK',
      '* A  id=1 db=2  MULTI queued=1: `INCR k`  (watched key "k" was modified by client B (`SET k 10`): EXEC will fail)',
      '  B  id=2 db=0  no MULTI',
      '(nil)', '"10"',
      '1) "subscribe"', '2) "ch"', '3) (integer) 1',
      'OK',
      "(error) ERR wrong number of arguments for 'set' command",
      '* A  id=1 db=2  no MULTI',
      '  B  id=2 db=0  no MULTI',
      '  C  id=3 db=0  no MULTI  subscribed to "ch"',
      '  D  id=4 db=0  MULTI queued=0 (`SET` was rejected: EXEC will abort)',
      '   8  B  `GET k`  -> "10"',
      '   9  C  `SUBSCRIBE ch`  -> 1) "subscribe"',
      '  10  D  `MULTI`  -> OK',
      "  11  D  `SET`  -> (error) ERR wrong number of arguments for 'set' command",
      'usage: :timeline [N]',
      '',
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

  test('explain mode: each reply followed by what the executor recorded', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000, explain: true, sim: { config: { 'busy-reply-threshold': '100' } } });
    const out = await feed(s, [
      "SET k 1",
      "WATCH k",
      "@B SET k 2",
      "MULTI",
      "INCR k",
      "EXEC",
      "SET s hello",
      "MULTI",
      "INCR s",
      "SET t 1",
      "EXEC",
      "MULTI",
      "SET a",
      "SET b 1",
      "EXEC",
      "EVAL \"redis.call('set','a',1) redis.call('incr','s')\" 0",
      "EVAL_RO \"return redis.call('set','a',1)\" 0",
      "EVAL \"while true do end\" 0",
      "@B PING",
      "@B SCRIPT KILL",
      "EVAL \"redis.call('set','x',1) while true do end\" 0",
      "@B SCRIPT KILL",
    ]);
    expect(out).toBe([
      "OK",
      "OK",
      "-- Client A watches \"k\": if any client changes one of them before A's EXEC, that EXEC returns nil and runs nothing (optimistic locking).",
      "OK",
      "-- This broke client A's WATCH: watched key \"k\" was modified by client B (`SET k 2`), so A's EXEC will return nil and run nothing.",
      "OK",
      "-- Client A is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.",
      "QUEUED",
      "-- Queued, but a watched key has already changed (watched key \"k\" was modified by client B (`SET k 2`)): EXEC will return nil.",
      "(nil)",
      "-- EXEC returned nil and ran nothing: watched key \"k\" was modified by client B (`SET k 2`) after WATCH.",
      "-- That is optimistic locking: read again, then retry the transaction.",
      "OK",
      "OK",
      "-- Client A is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.",
      "QUEUED",
      "-- Queued (1 in the queue), not run: the commands run together, in order, at EXEC.",
      "QUEUED",
      "-- Queued (2 in the queue), not run: the commands run together, in order, at EXEC.",
      "1) (error) ERR value is not an integer or out of range",
      "2) OK",
      "-- EXEC ran all 2 queued commands; #1 `INCR s` failed at run time (its error is in the array),",
      "-- and the others still applied: Redis does not roll back a transaction.",
      "OK",
      "-- Client A is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.",
      "(error) ERR wrong number of arguments for 'set' command",
      "-- `SET a` was rejected before it could be queued (the error above), so the whole transaction is doomed: EXEC will answer EXECABORT and run none of its commands.",
      "QUEUED",
      "-- Queued in name only: the transaction is already doomed by an earlier rejection, so EXEC will answer EXECABORT.",
      "(error) EXECABORT Transaction discarded because of previous errors.",
      "-- EXEC discarded the transaction and ran nothing, because `SET a` was rejected when it was queued.",
      "-- A queue-time error (unknown command, wrong arity...) dooms the whole transaction.",
      "(error) ERR value is not an integer or out of range script: 6ef12ffaca3dd164283ecb8f1347751aa740d018, on @user_script:1.",
      "-- The script stopped with an error, but the 1 write(s) it made before that stay: `SET a 1`. Scripts are not rolled back.",
      "(error) ERR Write commands are not allowed from read-only scripts. script: 119b0beb461d5982ddacc6dda6829882d5e16b4d, on @user_script:1.",
      "-- EVAL_RO runs the script read-only, and `SET a 1` is a write command, so Redis refused it.",
      "-- No write was made before the error, so nothing changed.",
      "(script still running after busy-reply-threshold: other clients get BUSY; @NAME SCRIPT KILL stops it)",
      "-- The script has run past busy-reply-threshold (100 ms) and is still running: every other command gets BUSY until it ends.",
      "-- SCRIPT KILL stops it, but only if it has not written yet (otherwise UNKILLABLE).",
      "(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
      "-- BUSY: a script has run past busy-reply-threshold (100 ms) and is still running, so Redis answers every other command with BUSY until it ends.",
      "-- SCRIPT KILL stops it if it has not written anything yet; otherwise only SHUTDOWN NOSAVE does.",
      "OK",
      "-- The script had not written anything, so stopping it leaves the data exactly as it was; its caller gets an error reply.",
      "A: (error) ERR Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.",
      "   -- Client B's kill stopped the script; it had not written anything, so no data changed.",
      "(script still running after busy-reply-threshold: other clients get BUSY; @NAME SCRIPT KILL stops it)",
      "-- The script has run past busy-reply-threshold (100 ms) and is still running: every other command gets BUSY until it ends.",
      "-- SCRIPT KILL stops it, but only if it has not written yet (otherwise UNKILLABLE).",
      "(error) UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
      "-- UNKILLABLE: the script already wrote (`SET x 1`); stopping it now would leave half of its work applied, so Redis refuses.",
      "-- Wait for it to end, or SHUTDOWN NOSAVE (which loses every change since the last save).",
      '',
    ].join('\n'));
    s.close();
  });

  test('explain mode: expiry, lazy deletion by another client, blocking, :explain on|off', async () => {
    const s = new ReplSession({ virtualTime: 1_700_000_000_000, explain: true });
    const out = await feed(s, [
      "SET k 1 PX 100",
      "WATCH k",
      ":time +200",
      "MULTI",
      "EXEC",
      "SET k 1 PX 100",
      "WATCH k",
      ":time +200",
      "@B GET k",
      "MULTI",
      "EXEC",
      "WATCH k",
      "@B FLUSHALL",
      "@B BLPOP q 0",
      "@B2 RPUSH q x",
      ":explain",
      ":explain off",
      "SET a b",
    ]);
    expect(out).toBe([
      "OK",
      "OK",
      "-- Client A watches \"k\": if any client changes one of them before A's EXEC, that EXEC returns nil and runs nothing (optimistic locking).",
      "virtual time 1700000000200 ms (2023-11-14T22:13:20.200Z)",
      "OK",
      "-- Client A is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.",
      "(nil)",
      "-- EXEC returned nil and ran nothing: watched key \"k\" reached its TTL after WATCH.",
      "-- That is optimistic locking: read again, then retry the transaction.",
      "OK",
      "OK",
      "-- Client A watches \"k\": if any client changes one of them before A's EXEC, that EXEC returns nil and runs nothing (optimistic locking).",
      "virtual time 1700000000400 ms (2023-11-14T22:13:20.400Z)",
      "(nil)",
      "-- This broke client A's WATCH: watched key \"k\" expired, and client B's `GET k` found it past its TTL and deleted it, so A's EXEC will return nil and run nothing.",
      "OK",
      "-- Client A is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.",
      "(nil)",
      "-- EXEC returned nil and ran nothing: watched key \"k\" expired, and client B's `GET k` found it past its TTL and deleted it after WATCH.",
      "-- That is optimistic locking: read again, then retry the transaction.",
      "OK",
      "-- Client A watches \"k\": if any client changes one of them before A's EXEC, that EXEC returns nil and runs nothing (optimistic locking).",
      "OK",
      "(blocked)",
      "-- Nothing to serve yet, so client B is blocked: it waits until another client provides data (or the timeout passes); other clients go on.",
      "(integer) 1",
      "B: 1) \"q\"",
      "   2) \"x\"",
      "usage: :explain on|off (now on)",
      "OK",
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

describe.skipIf(!built)('redsim repl --lesson (dist build)', () => {
  test('--no-pause prints the checked-in transcript', () => {
    const file = fileURLToPath(new URL('../../examples/lessons/02-multi-exec-errors.txt', import.meta.url));
    const r = spawnSync(process.execPath, [BIN, 'repl', '--lesson', file, '--no-pause'], { encoding: 'latin1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(file.replace(/\.txt$/, '.transcript'), 'latin1'));
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
