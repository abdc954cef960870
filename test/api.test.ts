import { describe, it, expect } from 'vitest';
import { RedSim, ReplyError, VirtualClock } from '../src/index.js';

describe('in-process API', () => {
  it('returns JS values and throws ReplyError with the exact text', async () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 1 });
    const c = sim.connect();
    expect(await c.call('PING')).toBe('PONG');
    expect(await c.call('ECHO', 'héllo')).toBe('héllo');
    expect(c.callSync('ECHO', Buffer.from([0xff, 0x00]))).toBe('\ufffd\u0000');
    expect(await c.callBuffer('ECHO', Buffer.from([0xff, 0x00]))).toEqual(Buffer.from([0xff, 0x00]));
    await expect(c.call('NOPE')).rejects.toThrow(new ReplyError("ERR unknown command 'NOPE', with args beginning with: "));
    try { c.callSync('SELECT', '99'); } catch (e) { expect(e).toBeInstanceOf(ReplyError); expect((e as ReplyError).code).toBe('ERR'); }
  });

  it('returns RESP bytes that follow the protocol chosen with HELLO', async () => {
    const c = new RedSim({ seed: 1 }).connect();
    expect((await c.callRaw('PING')).toString()).toBe('+PONG\r\n');
    expect((await c.callRaw('CONFIG', 'GET', 'databases')).toString()).toBe('*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n');
    await c.call('HELLO', '3');
    expect((await c.callRaw('CONFIG', 'GET', 'databases')).toString()).toBe('%1\r\n$9\r\ndatabases\r\n$2\r\n16\r\n');
  });

  it('keeps instances isolated and clients distinct', () => {
    const a = new RedSim({ seed: 1 });
    const b = new RedSim({ seed: 1 });
    const a1 = a.connect(); const a2 = a.connect();
    expect(a1.callSync('CLIENT', 'ID')).toBe(1);
    expect(a2.callSync('CLIENT', 'ID')).toBe(2);
    expect(b.connect().callSync('CLIENT', 'ID')).toBe(1);
    a1.callSync('CONFIG', 'SET', 'busy-reply-threshold', '100');
    expect(b.connect().callSync('CONFIG', 'GET', 'lua-time-limit')).toEqual(['lua-time-limit', '5000']);
    expect(a2.callSync('CONFIG', 'GET', 'lua-time-limit')).toEqual(['lua-time-limit', '100']);
  });

  it('virtual clock drives TIME', () => {
    const clock = new VirtualClock(1_000_000);
    const c = new RedSim({ clock }).connect();
    expect(c.callSync('TIME')).toEqual(['1000', '0']);
    clock.advance(1500.25);
    expect(c.callSync('TIME')).toEqual(['1001', '500250']);
  });
});
