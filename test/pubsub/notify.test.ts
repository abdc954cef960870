import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';
import { keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from '../../src/pubsub/notify.js';

describe('keyspace notifications', () => {
  it('normalises class letters as CONFIG GET shows them', () => {
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('KEA'))).toBe('AKE');
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('g$lshzxetd'))).toBe('A');
    expect(keyspaceEventsStringToFlags('KEQ')).toBe(-1);
    const sim = new RedSim({ seed: 1, config: { 'notify-keyspace-events': 'Ex' } });
    expect(sim.config.get('notify-keyspace-events')).toBe('xE');
  });

  it('expired fires from the active expire cycle too', async () => {
    const clock = new VirtualClock(1_000_000);
    const sim = new RedSim({ clock, seed: 1, config: { 'notify-keyspace-events': 'Ex', hz: 10 } });
    const sub = sim.connect();
    const got: string[] = [];
    sub.on('message', (e) => got.push(`${e.channel} ${e.message}`));
    await sub.call('SUBSCRIBE', '__keyevent@0__:expired');
    const a = sim.connect();
    await a.call('SET', 'k', 'v', 'PX', '10');
    sim.startActiveExpire();
    clock.advance(1000);
    sim.stop();
    await Promise.resolve();
    expect(got).toEqual(['__keyevent@0__:expired k']);
  });
});
