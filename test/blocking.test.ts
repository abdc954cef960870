import { describe, it, expect } from 'vitest';
import { RedSim } from '../src/server.js';
import { VirtualClock } from '../src/clock.js';
import { parseBlockTimeout } from '../src/blocking.js';
import type { Reply } from '../src/reply.js';

function setup() {
  const clock = new VirtualClock(1_700_000_000_000);
  const sim = new RedSim({ clock, seed: 1 });
  return { clock, sim, a: sim.connect(), b: sim.connect(), c: sim.connect(), d: sim.connect() };
}

/** Collect a pending reply without awaiting it, to check what is settled synchronously. */
function track(p: Reply | Promise<Reply>) {
  const box: { r?: Reply } = {};
  if (p instanceof Promise) void p.then((r) => { box.r = r; }); else box.r = p;
  return box;
}
const flush = () => new Promise((r) => setTimeout(r, 0));
const pair = (k: string, v: string): Reply => ({ t: 'array', v: [{ t: 'bulk', v: k }, { t: 'bulk', v: v }] });
const NILARRAY: Reply = { t: 'nilarray' };

describe('parseBlockTimeout (values checked against Redis 7.0.15)', () => {
  const cases: Array<[string, number | string]> = [
    ['0', 0], ['-0', 0], ['1', 1000], ['0.1', 100], ['1.5e1', 15000], ['0x10', 16000], ['0X10', 16000],
    ['0.0001', 1], ['1e-400', 1], ['0x1p-20', 1],
    // ceil of a tiny negative product is -0: blocks forever
    ['-0.0001', 0], ['-0.0009', 0], ['-0.001', 0],
    ['-1', 'ERR timeout is negative'], ['-5', 'ERR timeout is negative'],
    ['inf', 'ERR timeout is negative'], ['-inf', 'ERR timeout is negative'], ['+inf', 'ERR timeout is negative'],
    ['1e30', 'ERR timeout is negative'], ['1e400', 'ERR timeout is negative'],
    ['9223372036854776', 'ERR timeout is negative'], ['9223372036854775.808', 'ERR timeout is negative'],
    ['-9223372036854775.809', 'ERR timeout is negative'],
    ['abc', 'ERR timeout is not a float or out of range'], ['', 'ERR timeout is not a float or out of range'],
    [' 1', 'ERR timeout is not a float or out of range'], ['nan', 'ERR timeout is not a float or out of range'],
    ['0x', 'ERR timeout is not a float or out of range'], ['1 ', 'ERR timeout is not a float or out of range'],
  ];
  for (const [arg, want] of cases) {
    it(`${JSON.stringify(arg)} -> ${want}`, () => {
      expect(parseBlockTimeout(arg)).toEqual(typeof want === 'number' ? { ms: want } : { error: want });
    });
  }
  it('keeps LLONG_MAX ms (Redis wraps the deadline and never fires)', () => {
    expect(parseBlockTimeout('9223372036854775.807')).toEqual({ ms: 9223372036854775807 });
  });
});

describe('blocking: serving order', () => {
  it('serves clients blocked on one key FIFO, several from one push', async () => {
    const { a, b, c, d } = setup();
    const rb = track(b.send('BLPOP', 'q', '0'));
    const rc = track(c.send('BLPOP', 'q', '0'));
    const rd = track(d.send('BRPOP', 'q', '0'));
    expect(a.callSync('RPUSH', 'q', '1', '2')).toBe(2);
    // Served synchronously right after the pushing command.
    await flush();
    expect(rb.r).toEqual(pair('q', '1'));
    expect(rc.r).toEqual(pair('q', '2'));
    expect(rd.r).toBeUndefined();
    expect(a.callSync('EXISTS', 'q')).toBe(0);
    a.callSync('LPUSH', 'q', 'x', 'y');
    await flush();
    expect(rd.r).toEqual(pair('q', 'x'));
    expect(a.callSync('LRANGE', 'q', '0', '-1')).toEqual(['y']);
  });

  it('a client on several keys is served from the first key made ready', async () => {
    const { a, b, c } = setup();
    const rb = track(b.send('BLPOP', 'k1', 'k2', 'k3', '0'));
    const rc = track(c.send('BLPOP', 'k3', '0'));
    a.callSync('MULTI');
    a.callSync('RPUSH', 'k3', 'from3');
    a.callSync('RPUSH', 'k1', 'from1');
    a.callSync('EXEC');
    await flush();
    expect(rb.r).toEqual(pair('k3', 'from3'));
    // c was behind b on k3; k3 is now gone, so c waits on.
    expect(rc.r).toBeUndefined();
    expect(a.callSync('LRANGE', 'k1', '0', '-1')).toEqual(['from1']);
    a.callSync('RPUSH', 'k3', 'again');
    await flush();
    expect(rc.r).toEqual(pair('k3', 'again'));
  });

  it('pushes inside MULTI/EXEC serve only after EXEC, with the final contents', async () => {
    const { a, b } = setup();
    const rb = track(b.send('BLPOP', 'w', '0'));
    a.callSync('MULTI');
    a.callSync('RPUSH', 'w', '1', '2');
    a.callSync('LPOP', 'w');
    expect(a.callSync('EXEC')).toEqual([2, '1']);
    await flush();
    expect(rb.r).toEqual(pair('w', '2'));
  });

  it('a key pushed and emptied within EXEC serves no one', async () => {
    const { a, b } = setup();
    const rb = track(b.send('BLPOP', 'w', '0'));
    a.callSync('MULTI');
    a.callSync('RPUSH', 'w', '1');
    a.callSync('DEL', 'w');
    a.callSync('EXEC');
    await flush();
    expect(rb.r).toBeUndefined();
    expect(b.client.blocked).not.toBeNull();
  });

  it('a key that becomes another type keeps the client blocked', async () => {
    const { a, b, sim } = setup();
    const rb = track(b.send('BLPOP', 'k', '0'));
    a.callSync('SET', 'k', 'str');
    a.callSync('DEL', 'k');
    a.callSync('HSET', 'k', 'f', 'v');
    await flush();
    expect(rb.r).toBeUndefined();
    expect(sim.blocking.blockedCount).toBe(1);
  });

  it('a list that replaces another type (SORT STORE) does not wake waiters, nor do pushes onto it', async () => {
    // Redis 7.0: setKey over an existing key is dbOverwrite, which does not signal
    // list readiness, and a push onto an existing list never signals (checked on 7.0.15).
    const { a, b } = setup();
    a.callSync('RPUSH', 'src', '3', '1', '2');
    const rb = track(b.send('BLPOP', 'k', '0'));
    a.callSync('SET', 'k', 'str');
    expect(a.callSync('SORT', 'src', 'STORE', 'k')).toBe(3);
    expect(a.callSync('LPUSH', 'k', 'more')).toBe(4);
    await flush();
    expect(rb.r).toBeUndefined();
    a.callSync('DEL', 'k');
    a.callSync('RPUSH', 'k', 'z');
    await flush();
    expect(rb.r).toEqual(pair('k', 'z'));
  });

  it('BLMOVE chains: the push side serves the next waiter in the same round', async () => {
    const { a, b, c, d } = setup();
    const rb = track(b.send('BLMOVE', 'q', 'r', 'LEFT', 'LEFT', '0'));
    const rc = track(c.send('BRPOPLPUSH', 'r', 't', '0'));
    const rd = track(d.send('BLPOP', 't', '0'));
    a.callSync('RPUSH', 'q', 'item');
    await flush();
    expect(rb.r).toEqual({ t: 'bulk', v: 'item' });
    expect(rc.r).toEqual({ t: 'bulk', v: 'item' });
    expect(rd.r).toEqual(pair('t', 'item'));
    expect(a.callSync('EXISTS', 'q', 'r', 't')).toBe(0);
  });

  it('BLMOVE to a destination of another type replies WRONGTYPE and moves nothing', async () => {
    const { a, b, c, sim } = setup();
    a.callSync('SET', 'dst', 'x');
    const rb = track(b.send('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'));
    const rc = track(c.send('BLPOP', 'src', '0'));
    a.callSync('RPUSH', 'src', 'e');
    await flush();
    expect(rb.r).toEqual({ t: 'error', v: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(rc.r).toEqual(pair('src', 'e'));
    expect(sim.stats.calls.get('blmove')?.failed).toBe(1);
  });

  it('clients block on keys of their own database', async () => {
    const { a, b } = setup();
    b.callSync('SELECT', '3');
    const rb = track(b.send('BLPOP', 'k', '0'));
    a.callSync('RPUSH', 'k', 'db0');
    await flush();
    expect(rb.r).toBeUndefined();
    a.callSync('SELECT', '3');
    a.callSync('RPUSH', 'k', 'db3');
    await flush();
    expect(rb.r).toEqual(pair('k', 'db3'));
  });

  it('WATCH: the served BLMOVE dirties its destination', async () => {
    const { a, b, c } = setup();
    c.callSync('WATCH', 'dst');
    const rb = track(b.send('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'));
    a.callSync('RPUSH', 'src', 'v');
    await flush();
    expect(rb.r).toEqual({ t: 'bulk', v: 'v' });
    c.callSync('MULTI');
    c.callSync('PING');
    expect(c.callSync('EXEC')).toBeNull();
  });

  it('commands pipelined behind a blocked one run after it is served', async () => {
    const { a, b } = setup();
    const p1 = b.call('BLPOP', 'q', '0');
    const p2 = b.call('LLEN', 'q');
    a.callSync('RPUSH', 'q', 'x', 'y');
    expect(await p1).toEqual(['q', 'x']);
    expect(await p2).toBe(1);
  });
});

describe('blocking: timeouts, MULTI, unblock, disconnect', () => {
  it('times out strictly after the deadline on the server clock', async () => {
    const { clock, b, sim } = setup();
    const rb = track(b.send('BLPOP', 'q', '0.1'));
    expect(sim.blocking.timeoutTableCount).toBe(1);
    clock.advance(100);
    await flush();
    expect(rb.r).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(rb.r).toEqual(NILARRAY);
    expect(sim.blocking.blockedCount).toBe(0);
    expect(b.client.blocked).toBeNull();
  });

  it('every blocking command times out with a null array (BLMOVE too)', async () => {
    const { clock, b, c, d } = setup();
    const r1 = track(b.send('BLMOVE', 's', 'd', 'LEFT', 'LEFT', '1'));
    const r2 = track(c.send('BRPOPLPUSH', 's', 'd', '1'));
    const r3 = track(d.send('BLMPOP', '1', '1', 's', 'LEFT'));
    clock.advance(1001);
    await flush();
    expect([r1.r, r2.r, r3.r]).toEqual([NILARRAY, NILARRAY, NILARRAY]);
  });

  it('timeout 0 waits forever; very long timeouts re-arm and do not fire early', async () => {
    const { clock, b, c, sim } = setup();
    const rb = track(b.send('BLPOP', 'q', '0'));
    const rc = track(c.send('BLPOP', 'q2', '3000000'));
    expect(sim.blocking.timeoutTableCount).toBe(1);
    clock.advance(2 ** 31 + 5);
    await flush();
    expect(rb.r).toBeUndefined();
    expect(rc.r).toBeUndefined();
    clock.advance(3_000_000_000 - 2 ** 31);
    await flush();
    expect(rc.r).toEqual(NILARRAY);
    expect(rb.r).toBeUndefined();
  });

  it('a push before the deadline serves and cancels the timer', async () => {
    const { clock, a, b } = setup();
    const rb = track(b.send('BLPOP', 'q', '1'));
    clock.advance(500);
    a.callSync('RPUSH', 'q', 'x');
    await flush();
    expect(rb.r).toEqual(pair('q', 'x'));
    clock.advance(10_000);
    a.callSync('RPUSH', 'q', 'y');
    expect(a.callSync('LLEN', 'q')).toBe(1);
  });

  it('inside MULTI the commands answer at once as if timed out', () => {
    const { a } = setup();
    a.callSync('MULTI');
    a.callSync('BLPOP', 'nosuch', '0');
    a.callSync('BLMOVE', 'nosuch', 'd', 'LEFT', 'LEFT', '0');
    a.callSync('BLMPOP', '0', '1', 'nosuch', 'LEFT');
    a.callSync('BRPOPLPUSH', 'nosuch', 'd', '0');
    expect(a.send('EXEC')).toEqual({ t: 'array', v: [NILARRAY, { t: 'nil' }, NILARRAY, { t: 'nil' }] });
  });

  it('CLIENT UNBLOCK: TIMEOUT gives the timeout reply, ERROR the UNBLOCKED error', async () => {
    const { a, b, sim } = setup();
    const r1 = track(b.send('BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'));
    expect(a.callSync('CLIENT', 'UNBLOCK', b.id)).toBe(1);
    await flush();
    expect(r1.r).toEqual(NILARRAY);
    const r2 = track(b.send('BLPOP', 's', '0'));
    expect(a.callSync('CLIENT', 'UNBLOCK', b.id, 'ERROR')).toBe(1);
    await flush();
    expect(r2.r).toEqual({ t: 'error', v: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
    expect(a.callSync('CLIENT', 'UNBLOCK', b.id)).toBe(0);
    // Unblocking does not count as a failed call (no updateStatsOnUnblock).
    expect(sim.stats.calls.get('blpop')?.failed ?? 0).toBe(0);
    a.callSync('RPUSH', 's', 'x');
    expect(a.callSync('LLEN', 's')).toBe(1);
  });

  it('CLIENT UNBLOCK inside EXEC does not serve keys before the EXEC ends', async () => {
    const { a, b, c } = setup();
    const rb = track(b.send('BLPOP', 'other', '0'));
    const rc = track(c.send('BLPOP', 'k', '0'));
    a.callSync('MULTI');
    a.callSync('RPUSH', 'k', 'x');
    a.callSync('CLIENT', 'UNBLOCK', b.id);
    a.callSync('LLEN', 'k');
    expect(a.callSync('EXEC')).toEqual([1, 1, 1]);
    await flush();
    expect(rb.r).toEqual(NILARRAY);
    expect(rc.r).toEqual(pair('k', 'x'));
  });

  it('a disconnect drops the wait: the next client gets the element', async () => {
    const { a, b, c, sim } = setup();
    track(b.send('BLPOP', 'q', '0'));
    const rc = track(c.send('BLPOP', 'q', '0'));
    b.close();
    expect(sim.blocking.blockedCount).toBe(1);
    a.callSync('RPUSH', 'q', 'x');
    await flush();
    expect(rc.r).toEqual(pair('q', 'x'));
    expect(sim.blocking.blockingKeys(sim.dbs[0])).toEqual([]);
  });

  it('CLIENT KILL of a blocked client removes it from every key', async () => {
    const { a, b, sim } = setup();
    track(b.send('BLPOP', 'k1', 'k2', '5'));
    expect(sim.blocking.blockingKeys(sim.dbs[0]).sort()).toEqual(['k1', 'k2']);
    a.callSync('CLIENT', 'KILL', 'ID', b.id);
    expect(sim.blocking.blockingKeys(sim.dbs[0])).toEqual([]);
    expect(sim.blocking.timeoutTableCount).toBe(0);
  });
});

describe('blocking over the RESP server (real clock)', () => {
  it('a blocked client does not hold up others; served, timed out and disconnected waits', async () => {
    const { Redis } = await import('ioredis');
    const { RedSimServer } = await import('../src/net/server.js');
    const sim = new RedSim({ seed: 1 });
    const server = new RedSimServer(sim);
    const { port } = await server.listen({ port: 0 });
    const opts = { port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 0 };
    const a = new Redis(opts);
    const b = new Redis(opts);
    const c = new Redis(opts);
    try {
      const pb = b.blpop('q', 0);
      // Pipelined behind the blocked command on the same connection.
      const pb2 = b.llen('q');
      while (sim.blocking.blockedCount === 0) await new Promise((r) => setTimeout(r, 5));
      expect(await a.ping()).toBe('PONG');
      expect(await a.rpush('q', 'x', 'y')).toBe(2);
      expect(await pb).toEqual(['q', 'x']);
      expect(await pb2).toBe(1);
      // A real timeout: the reply is a null array.
      expect(await c.brpop('nothing', 0.02)).toBeNull();
      // A disconnect while blocked removes the wait.
      void c.blpop('gone', 0).catch(() => {});
      while (sim.blocking.blockedCount === 0) await new Promise((r) => setTimeout(r, 5));
      c.disconnect();
      while (sim.blocking.blockedCount !== 0) await new Promise((r) => setTimeout(r, 5));
      await a.rpush('gone', 'kept');
      expect(await a.lrange('gone', 0, -1)).toEqual(['kept']);
    } finally {
      a.disconnect();
      b.disconnect();
      c.disconnect();
      await server.close();
    }
  });
});
