import { describe, expect, test } from 'vitest';
import { CliSession, runScriptText } from '../../src/cli/run.js';
import type { Reply } from '../../src/reply.js';

describe('redsim run: output as an interactive redis-cli session prints it', () => {
  test('sample session (expected text printed by redis-cli 7.0.15 --no-raw for the same lines)', async () => {
    const script = [
      '# comments and blank lines are skipped',
      '',
      '   ',
      'SET foo bar',
      'GET foo',
      'get "nokey"',
      "SET \"a b\" 'c\\'d'",
      'MGET foo "a b" nokey',
      'INCR foo',
      'SET x "\\xff\\x00\\n"',
      'GET x',
      'SET "unbalanced',
      'SET a"b"c d',
      '3 INCR ctr',
      '0 INCR ctr',
      '-2 INCR ctr',
      'CONFIG GET maxmemory-policy',
      'APPEND ctr 9',
      'GETRANGE ctr 0 -1',
      'NOSUCHCMD a',
    ].join('\n');
    const expected = [
      'OK',
      '"bar"',
      '(nil)',
      'OK',
      '1) "bar"',
      '2) "c\'d"',
      '3) (nil)',
      '(error) ERR value is not an integer or out of range',
      'OK',
      '"\\xff\\x00\\n"',
      'Invalid argument(s)',
      'Invalid argument(s)',
      '(integer) 1',
      '(integer) 2',
      '(integer) 3',
      'Invalid redis-cli repeat command option value.',
      'Invalid redis-cli repeat command option value.',
      '1) "maxmemory-policy"',
      '2) "noeviction"',
      '(integer) 2',
      '"39"',
      "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' ",
      '',
    ].join('\n');
    expect(await runScriptText(script)).toBe(expected);
  });

  test('--resp 3 renders RESP3 types (HELLO 3 is sent silently first)', async () => {
    const out = await runScriptText('CONFIG GET maxmemory-policy\nHELLO 2\nCONFIG GET maxmemory-policy\n', { resp: 3 });
    expect(out.split('\n').slice(0, 1)).toEqual(['1# "maxmemory-policy" => "noeviction"']);
    expect(out.endsWith('1) "maxmemory-policy"\n2) "noeviction"\n')).toBe(true);
  });

  test('quit and exit end the session', async () => {
    expect(await runScriptText('SET k 1\nQUIT\nGET k\n')).toBe('OK\n');
    expect(await runScriptText('exit\nGET k\n')).toBe('');
  });

  test('UTF-8 input lines become byte strings; non-ASCII bytes print escaped', async () => {
    expect(await runScriptText('SET k é\nGET k\nSTRLEN k\n')).toBe('OK\n"\\xc3\\xa9"\n(integer) 2\n');
  });

  test('CRLF line endings are accepted', async () => {
    expect(await runScriptText('SET k v\r\nGET k\r\n')).toBe('OK\n"v"\n');
  });

  test('--virtual-time fixes the clock', async () => {
    expect(await runScriptText('TIME\n', { virtualTime: 1700000000123 })).toBe('1) "1700000000"\n2) "123000"\n');
  });

  test('a blocked command on the virtual clock ends at its timeout, at the exact time', async () => {
    const s = new CliSession({ virtualTime: 1_000_000 });
    const exec = s.sim.execute.bind(s.sim);
    // stand-in for BLPOP k 1.5: nothing can wake it, so it times out
    s.sim.execute = (client, argv) => {
      if (argv[0] === 'TESTBLOCK') {
        return new Promise<Reply>((resolve) => s.sim.clock.setTimer(1500, () => resolve({ t: 'nilarray' })));
      }
      return exec(client, argv);
    };
    expect(await s.line('TESTBLOCK')).toEqual({ out: '(nil)\n', quit: false });
    expect(s.sim.clock.now()).toBe(1_001_500);
    s.close();
  });

  test('a raw-output command (INFO) is printed as is', async () => {
    const out = await runScriptText('INFO server\n');
    expect(out.startsWith('# Server\r\nredis_version:7.0.15\r\n')).toBe(true);
    expect(out.endsWith('\r\n')).toBe(true);
  });
});
