import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { ReplyError } from '../../../src/api.js';

function setup() {
  const clock = new VirtualClock(1_700_000_000_000);
  const sim = new RedSim({ clock, seed: 1 });
  return { clock, sim, a: sim.connect(), b: sim.connect(), c: sim.connect() };
}

describe('XADD * ids come from the injectable clock', () => {
  it('uses the virtual time, and keeps the ms with the next sequence when the clock goes back', async () => {
    const { clock, a } = setup();
    expect(await a.call('XADD', 's', '*', 'f', 'v')).toBe('1700000000000-0');
    expect(await a.call('XADD', 's', '*', 'f', 'v')).toBe('1700000000000-1');
    clock.advance(5);
    expect(await a.call('XADD', 's', '*', 'f', 'v')).toBe('1700000000005-0');
    clock.set(1_600_000_000_000);
    expect(await a.call('XADD', 's', '*', 'f', 'v')).toBe('1700000000005-1');
    expect(await a.call('XADD', 's', '1800000000000-*', 'f', 'v')).toBe('1800000000000-0');
    expect(await a.call('XADD', 's', '*', 'f', 'v')).toBe('1800000000000-1');
  });

  it('same trace, same ids: deterministic replay', async () => {
    const run = async () => {
      const { clock, a } = setup();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) { ids.push(await a.call('XADD', 's', '*', 'i', String(i)) as string); clock.advance(i % 2); }
      return ids;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('blocking reads in-process', () => {
  it('XREAD BLOCK returns a promise settled by another client XADD', async () => {
    const { a, b } = setup();
    const p = b.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    expect(p).toBeInstanceOf(Promise);
    await a.call('XADD', 's', '1-1', 'k', 'v');
    expect(await p).toEqual([['s', [['1-1', ['k', 'v']]]]]);
  });

  it('XREAD BLOCK times out on the virtual clock with a null reply', async () => {
    const { clock, b } = setup();
    const p = b.call('XREAD', 'BLOCK', '100', 'STREAMS', 's', '$');
    let done = false;
    void p.then(() => { done = true; });
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toBe(false);
    clock.advance(1);
    expect(await p).toBeNull();
  });

  it('XREADGROUP BLOCK: FIFO between consumers, NOGROUP when the group is destroyed', async () => {
    const { a, b, c } = setup();
    await a.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const pb = b.call('XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
    const pc = c.call('XREADGROUP', 'GROUP', 'g', 'carol', 'BLOCK', '0', 'STREAMS', 's', '>');
    await a.call('XADD', 's', '1-1', 'k', 'v');
    expect(await pb).toEqual([['s', [['1-1', ['k', 'v']]]]]);
    await a.call('XGROUP', 'DESTROY', 's', 'g');
    await expect(pc).rejects.toThrow(new ReplyError('NOGROUP the consumer group this client was blocked on no longer exists'));
  });

  it('RESP3 replies are maps keyed by stream name', async () => {
    const { a, b } = setup();
    await b.call('HELLO', '3');
    await a.call('XADD', 's', '1-1', 'k', 'v');
    const r = await b.call('XREAD', 'STREAMS', 's', '0') as Record<string, unknown>;
    expect(r).toEqual({ s: [['1-1', ['k', 'v']]] });
  });
});
