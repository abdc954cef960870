import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { replay, readTrace, keyspaceDigest, canonicalKeyspace, detectFormat } from '../../src/replay/replay.js';
import { readMonitorTrace } from '../../src/replay/monitor.js';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import type { TraceEntry } from '../../src/replay/trace.js';

const example = (p: string) => fileURLToPath(new URL(`../../examples/traces/${p}`, import.meta.url));

async function run(entries: TraceEntry[], seed = 0) {
  let out = '';
  const res = await replay(entries, { print: 'replies', seed }, (b) => { out += b; });
  const d = keyspaceDigest(res.sim);
  res.sim.stop();
  return { out, res, digest: d };
}

const mon = (lines: string[]) => readMonitorTrace(lines.join('\n'));

describe('replay', () => {
  test('the example traces replay identically twice', async () => {
    for (const [file, fmt] of [['monitor.txt', 'monitor'], ['appendonlydir/appendonly.aof.manifest', 'aof']] as const) {
      const { entries } = readTrace(example(file), fmt);
      const a = await run(entries);
      const b = await run(entries);
      expect(a.out).toBe(b.out);
      expect(a.digest).toEqual(b.digest);
      expect(a.res.commands).toBe(entries.length);
    }
  });

  test('MONITOR example: replies the real server gave (counter, script, transaction, expiry)', async () => {
    const { out } = await run(readTrace(example('monitor.txt'), 'monitor').entries);
    // INCR counter, INCRBY 41, then the EVAL's INCR: 43, as on redis 7.0.15.
    expect(out).toContain('[9 127.0.0.1:45590] "EVAL" "redis.call(\'SET\', KEYS[1], ARGV[1]); return redis.call(\'INCR\', KEYS[2])" "2" "fromlua" "counter" "v1"\n(integer) 43\n');
    // SET temp PX 50, GET 121 ms later (virtual clock from the timestamps): gone.
    expect(out).toContain('"GET" "temp"\n(nil)\n');
    expect(out).toContain('"EXEC"\n1) (integer) 3\n2) (integer) 1\n');
    // The BLPOP blocks and is served by the RPUSH of another client.
    expect(out).toContain('"BLPOP" "jobs" "0"\n(blocked)\n');
    expect(out).toContain('"RPUSH" "jobs" "j1"\n(integer) 1\n[reply to 127.0.0.1:45606 line 23] [9 127.0.0.1:45606] "BLPOP" "jobs" "0"\n1) "jobs"\n2) "j1"\n');
    expect(out).not.toContain('[9 lua]');
  });

  test('the db of each line is selected for its client, except while it queues a MULTI', async () => {
    const { out, res } = await run(mon([
      '1700000000.000001 [3 1.1.1.1:1] "SET" "k" "three"',
      '1700000000.000002 [0 1.1.1.1:2] "MULTI"',
      '1700000000.000003 [0 1.1.1.1:2] "SET" "k" "zero"',
      '1700000000.000004 [5 1.1.1.1:2] "SELECT" "5"', // logged at EXEC time with EXEC's db
      '1700000000.000005 [5 1.1.1.1:2] "SET" "k" "five"',
      '1700000000.000006 [5 1.1.1.1:2] "EXEC"',
    ]));
    void out;
    const get = (db: number) => res.sim.dbs[db].peek('k');
    expect(get(3)).toMatchObject({ v: 'three' });
    expect(get(0)).toMatchObject({ v: 'zero' });
    expect(get(5)).toMatchObject({ v: 'five' });
  });

  test('a blocked client times out when the clock passes its deadline', async () => {
    const { out } = await run(mon([
      '1700000000.000000 [0 1.1.1.1:1] "BLPOP" "q" "1.5"',
      '1700000001.400000 [0 1.1.1.1:2] "PING"',
      '1700000001.600000 [0 1.1.1.1:2] "RPUSH" "q" "late"',
    ]));
    expect(out).toBe([
      '[0 1.1.1.1:1] "BLPOP" "q" "1.5"', '(blocked)',
      '[0 1.1.1.1:2] "PING"', 'PONG',
      '[reply to 1.1.1.1:1 line 1] [0 1.1.1.1:1] "BLPOP" "q" "1.5"', '(nil)',
      '[0 1.1.1.1:2] "RPUSH" "q" "late"', '(integer) 1', '',
    ].join('\n'));
  });

  test('a client still blocked at the end is counted', async () => {
    const { out, res } = await run(mon(['1.0 [0 1.1.1.1:1] "BLPOP" "q" "0"']));
    expect(res.stillBlocked).toBe(1);
    expect(out).toContain('1 client(s) still blocked');
  });

  test('seeded randomness: same seed, same result', async () => {
    const t = mon([
      '1.0 [0 1.1.1.1:1] "SADD" "s" "a" "b" "c" "d" "e" "f" "g" "h"',
      '1.1 [0 1.1.1.1:1] "SPOP" "s" "3"',
      '1.2 [0 1.1.1.1:1] "SRANDMEMBER" "s" "-4"',
    ]);
    const a = await run(t, 7);
    const b = await run(t, 7);
    expect(a.out).toBe(b.out);
    expect(a.digest.sha1).toBe(b.digest.sha1);
  });

  test('AOF: #TS sets the clock; PXAT in the past is gone', async () => {
    const entries: TraceEntry[] = [
      { line: 1, client: 'aof', timeUs: 1700000000_000000, argv: ['SET', 'a', '1', 'PXAT', '1700000001000'] },
      { line: 2, client: 'aof', timeUs: 1700000002_000000, argv: ['GET', 'a'] },
    ];
    const { out } = await run(entries);
    expect(out).toContain('"GET" "a"\n(nil)\n');
  });

  test('format detection', () => {
    expect(detectFormat(Buffer.from('*2\r\n'))).toBe('aof');
    expect(detectFormat(Buffer.from('#TS:1\r\n'))).toBe('aof');
    expect(detectFormat(Buffer.from('file appendonly'))).toBe('aof');
    expect(detectFormat(Buffer.from('OK\n1700'))).toBe('monitor');
  });
});

describe('keyspace digest', () => {
  function sim() {
    return new RedSim({ clock: new VirtualClock(1_000_000), seed: 1 });
  }

  test('canonical form: dbs, sorted keys, types, absolute TTLs, sorted set/hash members', () => {
    const s = sim();
    const c = s.connect();
    c.callSync('SET', 'b', 'x');
    c.callSync('PEXPIRE', 'b', '500');
    c.callSync('RPUSH', 'a', '2', '1');
    c.callSync('SELECT', '2');
    c.callSync('SADD', 's', 'z', 'y');
    c.callSync('HSET', 'h', 'f2', 'v2', 'f1', 'v1');
    expect(canonicalKeyspace(s)).toEqual({
      text: '1:01:a4:list2:-11:21:21:1' + '1:01:b6:string7:10005001:11:x' +
        '1:21:h4:hash2:-11:42:f12:v12:f22:v2' + '1:21:s3:set2:-11:21:y1:z',
      keys: 4,
    });
  });

  test('independent of insertion order and encodings; expired keys left out', () => {
    const a = sim();
    const b = sim();
    const ca = a.connect();
    const cb = b.connect();
    ca.callSync('HSET', 'h', 'x', '1', 'y', '2');
    ca.callSync('SADD', 's', '1', '2', '3');
    ca.callSync('SET', 'gone', 'v', 'PX', '10');
    cb.callSync('SADD', 's', '3', '2', '1', 'tmp');
    cb.callSync('SREM', 's', 'tmp'); // hashtable encoding now, same members
    cb.callSync('HSET', 'h', 'y', '2', 'x', '1');
    (a.clock as VirtualClock).advance(20);
    expect(keyspaceDigest(a)).toEqual(keyspaceDigest(b));
    cb.callSync('SET', 'extra', '');
    expect(keyspaceDigest(a).sha1).not.toBe(keyspaceDigest(b).sha1);
  });
});

describe('digest against the real server', () => {
  test('the example AOF replays to the keyspace redis 7.0.15 had', async () => {
    // canonicalKeyspace() computed, with the same rules, from the live redis-server
    // 7.0.15 that wrote examples/traces/appendonlydir (read with TYPE/GET/LRANGE/
    // SMEMBERS/HGETALL/ZRANGE WITHSCORES/PEXPIRETIME just after the capture).
    const real = '1:06:rs:db06:string2:-11:14:zero' +
      '1:93:bin6:string2:-11:122:\x00\xff"quoted"\\back\n\r\t\x07\b \xe9' +
      '1:95:board4:zset2:-11:43:bob3:2.55:alice2:10' +
      '1:97:counter6:string2:-11:12:43' + '1:97:fromlua6:string2:-11:12:v1' +
      '1:95:queue4:list2:-11:36:urgent4:job14:job2' + '1:97:session6:string13:17953690975141:13:abc' +
      '1:96:user:14:hash2:-11:64:lang2:en4:name3:Ada6:visits1:1';
    const { entries } = readTrace(example('appendonlydir/appendonly.aof.manifest'), 'aof');
    const res = await replay(entries, {}, () => {});
    expect(canonicalKeyspace(res.sim).text).toBe(real);
    res.sim.stop();
  });
});
