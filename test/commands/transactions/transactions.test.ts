import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { encodeReply } from '../../../src/resp/encode.js';

const mk = (config: Record<string, string> = {}) => {
  const sim = new RedSim({ clock: new VirtualClock(1_700_000_000_000), seed: 1, config });
  return { sim, a: sim.connect(), b: sim.connect() };
};
const raw = (c: { callRaw: (...a: string[]) => Promise<Buffer> }, ...a: string[]) => c.callRaw(...a).then((b) => b.toString('latin1'));

describe('transactions', () => {
  it('a rejected EXEC (arity) discards the transaction with an EXECABORT wrapping the reason', async () => {
    const { a } = mk();
    a.callSync('MULTI');
    a.callSync('SET', 'k', '1');
    expect(await raw(a, 'EXEC', 'x')).toBe("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    expect(a.client.multi).toBe(false);
    expect(await raw(a, 'EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  it('DEBUG is rejected before queueing when enable-debug-command is no, flagging the transaction', async () => {
    const { a } = mk();
    a.callSync('MULTI');
    expect(await raw(a, 'DEBUG', 'SLEEP', '0')).toMatch(/^-ERR DEBUG command not allowed\. If the enable-debug-command option/);
    expect(await raw(a, 'EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
  });

  it('enable-debug-command local allows loopback clients only', async () => {
    const { sim } = mk({ 'enable-debug-command': 'local' });
    const local = sim.connect({ addr: '127.0.0.1:5000' });
    const remote = sim.connect({ addr: '10.0.0.2:5000' });
    expect(await raw(local, 'DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
    expect(await raw(remote, 'DEBUG', 'SLEEP', '0')).toMatch(/^-ERR DEBUG command not allowed/);
  });

  it('a key already expired when watched does not abort EXEC; one that expires later does', () => {
    const { sim, a } = mk();
    const clock = sim.clock as VirtualClock;
    a.callSync('SET', 'gone', 'v', 'PX', '10');
    clock.advance(20);
    a.callSync('WATCH', 'gone');
    a.callSync('MULTI');
    a.callSync('PING');
    expect(a.callSync('EXEC')).toEqual(['PONG']);
    a.callSync('SET', 'soon', 'v', 'PX', '10');
    a.callSync('WATCH', 'soon');
    clock.advance(20);
    a.callSync('MULTI');
    expect(a.callSync('EXEC')).toBeNull();
  });

  it('stops queueing once the transaction is doomed, and CLIENT LIST shows the queue length and flags', () => {
    const { sim, a, b } = mk();
    a.callSync('WATCH', 'w');
    a.callSync('MULTI');
    a.callSync('SET', 'x', '1');
    b.callSync('SET', 'w', '1');
    a.callSync('SET', 'x', '2');
    expect(a.client.queue.length).toBe(1);
    const line = b.callSync('CLIENT', 'LIST', 'ID', String(a.id)) as string;
    expect(line).toMatch(/ flags=xd /);
    expect(line).toMatch(/ multi=1 /);
    expect(line).toMatch(/ cmd=set /);
    void sim;
  });

  it('time is frozen for expiry inside EXEC while DEBUG SLEEP moves the clock', () => {
    const { a } = mk({ 'enable-debug-command': 'yes' });
    a.callSync('MULTI');
    a.callSync('SET', 'k', 'v', 'PX', '5');
    a.callSync('DEBUG', 'SLEEP', '0.02');
    a.callSync('GET', 'k');
    expect(a.callSync('EXEC')).toEqual(['OK', 'OK', 'v']);
    expect(a.callSync('GET', 'k')).toBeNull();
  });

  it('RESP3 EXEC of a dirty transaction is a null', () => {
    const { a, b } = mk();
    a.callSync('HELLO', '3');
    a.callSync('WATCH', 'k');
    b.callSync('SET', 'k', '1');
    a.callSync('MULTI');
    const r = a.send('EXEC');
    expect(encodeReply(r as never, 3).toString()).toBe('_\r\n');
  });
});
