import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';

describe('MONITOR in-process', () => {
  it('gives the command lines, scripts as [db lua], EVALSHA before its script', async () => {
    const clock = new VirtualClock(1_700_000_000_123);
    const sim = new RedSim({ clock, seed: 1 });
    const mon = sim.connect({ addr: '10.0.0.1:5000' });
    const a = sim.connect({ addr: '10.0.0.2:6000' });
    const lines: string[] = [];
    mon.on('monitor', (e) => lines.push(e.line));
    const sha = await a.call('SCRIPT', 'LOAD', "return redis.call('incr', KEYS[1])") as string;
    expect(await mon.call('MONITOR')).toBe('OK');
    await a.call('EVALSHA', sha, '1', 'n');
    await a.call('SET', 'k', 'a "b"\n');
    await new Promise((r) => setTimeout(r, 0));
    expect(lines).toEqual([
      `1700000000.123000 [0 10.0.0.2:6000] "EVALSHA" "${sha}" "1" "n"`,
      '1700000000.123000 [0 lua] "incr" "n"',
      '1700000000.123000 [0 10.0.0.2:6000] "SET" "k" "a \\"b\\"\\n"',
    ]);
    // The monitor's own command: the reply first, then its line.
    expect(await mon.call('PING')).toBe('PONG');
    await new Promise((r) => setTimeout(r, 0));
    expect(lines.at(-1)).toBe('1700000000.123000 [0 10.0.0.1:5000] "PING"');
  });
});
