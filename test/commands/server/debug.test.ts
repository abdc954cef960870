import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

describe('DEBUG', () => {
  // Real Redis spends ~8 s of CPU fuzzing stringmatchlen here, too slow for the
  // differential suite on a loaded machine; the reply text is Redis's (debug.c).
  it('STRINGMATCH-TEST answers the status Redis sends once its fuzz run survives', () => {
    const sim = new RedSim({ clock: new VirtualClock(1_700_000_000_000), seed: 1, config: { 'enable-debug-command': 'yes' } });
    expect(sim.connect().callSync('DEBUG', 'stringmatch-test')).toBe('Apparently Redis did not crash: test passed');
  });
});
