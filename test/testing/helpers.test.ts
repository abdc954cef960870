import { describe, it, expect, expectTypeOf } from 'vitest';
import net from 'node:net';
import { RedSim, VirtualClock, startServer, redsimMatchers, ReplyError, type RedsimMatchers } from '../../src/index.js';

expect.extend(redsimMatchers);
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends RedsimMatchers<T> {}
}

const mk = () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const sim = new RedSim({ clock, seed: 7 });
  return { clock, sim, c: sim.connect() };
};

describe('callSync and blocking', () => {
  it('refuses a command that would block, leaving the client usable and nothing swallowed', async () => {
    const { sim, c } = mk();
    expect(() => c.callSync('BLPOP', 'q', '1')).toThrow(/would block/);
    expect(sim.connect().callSync('RPUSH', 'q', 'x')).toBe(1);
    expect(c.callSync('LRANGE', 'q', '0', '-1')).toEqual(['x']);
    expect(await c.call('BLPOP', 'q', '1')).toEqual(['q', 'x']);
    expect(sim.connect().callSync('CLIENT', 'LIST')).not.toMatch(/cmd=blpop.*flags=b/);
  });

  it('a blocking command that can be served at once works synchronously', () => {
    const { c } = mk();
    c.callSync('RPUSH', 'q', 'a');
    expect(c.callSync('BLPOP', 'q', '0')).toEqual(['q', 'a']);
  });
});

describe('snapshot / restore / keys / dump / flushAll', () => {
  it('restores every type, TTLs and function libraries, and drops later changes', () => {
    const { sim, c, clock } = mk();
    c.callSync('SET', 's', 'v', 'PX', '5000');
    c.callSync('HSET', 'h', 'f', '1');
    c.callSync('RPUSH', 'l', 'a', 'b');
    c.callSync('SADD', 'set', '3', '1', '2');
    c.callSync('ZADD', 'z', '2', 'b', '1', 'a');
    c.callSync('SELECT', '1');
    c.callSync('SET', 'in1', 'x');
    c.callSync('SELECT', '0');
    c.callSync('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    const snap = sim.snapshot();
    c.callSync('DEL', 'h');
    c.callSync('SET', 'extra', '1');
    c.callSync('FUNCTION', 'FLUSH');
    clock.advance(1000);
    sim.restore(snap);
    expect(sim.keys().sort()).toEqual(['h', 'l', 's', 'set', 'z']);
    expect(sim.keys(1)).toEqual(['in1']);
    expect(c.callSync('PTTL', 's')).toBe(4000);
    expect(c.callSync('FCALL', 'f', '0')).toBe(1);
    expect(c.callSync('OBJECT', 'ENCODING', 'set')).toBe('intset');
    expect(sim.dump()).toEqual({
      s: { type: 'string', value: 'v', ttl: 4000 },
      h: { type: 'hash', value: { f: '1' }, ttl: null },
      l: { type: 'list', value: ['a', 'b'], ttl: null },
      set: { type: 'set', value: ['1', '2', '3'], ttl: null },
      z: { type: 'zset', value: [['a', 1], ['b', 2]], ttl: null },
    });
    sim.flushAll();
    expect(sim.keys()).toEqual([]);
    expect(sim.keys(1)).toEqual([]);
    expect(() => c.callSync('FCALL', 'f', '0')).toThrow('ERR Function not found');
  });

  it('a restored keyspace dirties WATCH like any write', () => {
    const { sim, c } = mk();
    c.callSync('SET', 'k', '1');
    const snap = sim.snapshot();
    c.callSync('WATCH', 'k');
    sim.restore(snap);
    c.callSync('MULTI');
    c.callSync('SET', 'k', '2');
    expect(c.callSync('EXEC')).toBeNull();
  });
});

describe('matchers', () => {
  it('toHaveKey / toHaveValue / toHaveTTL', () => {
    const { sim, c, clock } = mk();
    c.callSync('SET', 'k', 'v', 'EX', '10');
    c.callSync('HSET', 'h', 'a', '1');
    expect(sim).toHaveKey('k');
    expect(sim).toHaveKey('h', { type: 'hash' });
    expect(sim).not.toHaveKey('h', { type: 'list' });
    expect(sim).toHaveValue('h', { a: '1' });
    expect(sim).toHaveTTL('k', 10_000);
    expect(sim).toHaveTTL('h', null);
    clock.advance(10_000);
    expect(sim).toHaveTTL('k', { max: 0 });
    clock.advance(1);
    expect(sim).not.toHaveKey('k');
    expect(() => expect(sim).toHaveKey('nope')).toThrow(/expected key 'nope' to exist/);
  });
});

describe('control channel and startServer', () => {
  it('REDSIM.CLOCK is an unknown command unless enabled', () => {
    const { c } = mk();
    expect(() => c.callSync('REDSIM.CLOCK', 'ADVANCE', '10')).toThrow("ERR unknown command 'REDSIM.CLOCK', with args beginning with: 'ADVANCE' '10' ");
  });

  it('over a socket, REDSIM.CLOCK ADVANCE moves the instance clock', async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const srv = await startServer({ clock, seed: 1, controlCommands: true });
    try {
      expect(srv.url).toBe(`redis://127.0.0.1:${srv.port}`);
      const replies = await talk(srv.port, '*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nPX\r\n$3\r\n100\r\n' +
        '*3\r\n$12\r\nREDSIM.CLOCK\r\n$7\r\nADVANCE\r\n$3\r\n101\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', 3);
      expect(replies).toBe(`+OK\r\n:${1_700_000_000_101}\r\n$-1\r\n`);
      expect(clock.now()).toBe(1_700_000_000_101);
      expect(srv.sim.clock).toBe(clock);
    } finally { await srv.close(); }
  });

  it('REDSIM.CLOCK needs an authenticated client when a password is required', () => {
    const sim = new RedSim({ controlCommands: true, clock: new VirtualClock(5), config: { requirepass: 'pw' } });
    const c = sim.connect();
    expect(() => c.callSync('REDSIM.CLOCK', 'ADVANCE', '10')).toThrow('NOAUTH Authentication required.');
    c.callSync('AUTH', 'pw');
    expect(c.callSync('REDSIM.CLOCK', 'ADVANCE', '10')).toBe(15);
  });

  it('REDSIM.CLOCK argument errors and a real clock', () => {
    const sim = new RedSim({ controlCommands: true, clock: new VirtualClock(5) });
    const c = sim.connect();
    expect(c.callSync('REDSIM.CLOCK', 'GET')).toBe(5);
    expect(() => c.callSync('REDSIM.CLOCK', 'ADVANCE', 'x')).toThrow('ERR value is not an integer or out of range');
    expect(() => c.callSync('REDSIM.CLOCK', 'SET', '1')).toThrow(/backwards/);
    expect(() => new RedSim({ controlCommands: true }).connect().callSync('REDSIM.CLOCK', 'GET')).toThrow(/needs a virtual clock/);
  });
});

describe('typed results and ReplyError', () => {
  it('call() is typed per command', async () => {
    const { c } = mk();
    const v = await c.call('GET', 'k');
    expectTypeOf(v).toEqualTypeOf<string | null>();
    expectTypeOf(await c.call('incr', 'n')).toEqualTypeOf<number>();
    expectTypeOf(c.callSync('LRANGE', 'l', 0, -1)).toEqualTypeOf<string[]>();
    expectTypeOf(await c.call('OBJECT', 'ENCODING', 'k')).toEqualTypeOf<unknown>();
    expect(v).toBeNull();
  });

  it('ReplyError carries name, code and Redis text', async () => {
    const { c } = mk();
    c.callSync('SET', 'k', 'v');
    const e = await c.call('LPUSH', 'k', 'x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReplyError);
    expect(e).toBeInstanceOf(Error);
    expect((e as ReplyError).name).toBe('ReplyError');
    expect((e as ReplyError).code).toBe('WRONGTYPE');
    expect((e as ReplyError).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

function talk(port: number, payload: string, replies: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write(payload));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.split('\r\n').length - 1 >= replies) { s.destroy(); resolve(buf); }
    });
    s.on('error', reject);
  });
}
