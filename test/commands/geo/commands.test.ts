import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

const mk = () => {
  const sim = new RedSim({ clock: new VirtualClock(1_700_000_000_000), seed: 1 });
  return { sim, c: sim.connect() };
};

describe('geo commands (in-process)', () => {
  it('GEOADD stores the 52-bit cell as a zset score', () => {
    const { c } = mk();
    expect(c.callSync('GEOADD', 'S', '13.361389', '38.115556', 'Palermo')).toBe(1);
    expect(c.callSync('ZSCORE', 'S', 'Palermo')).toBe('3479099956230698');
    expect(c.callSync('TYPE', 'S')).toBe('zset');
  });

  it('returns coordinates as RESP3 doubles carrying the %.17Lf text', async () => {
    const { c } = mk();
    c.callSync('GEOADD', 'S', '13.361389', '38.115556', 'Palermo');
    expect(String(await c.callRaw('GEOPOS', 'S', 'Palermo', 'x')))
      .toBe('*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n');
    c.callSync('HELLO', '3');
    expect(String(await c.callRaw('GEOPOS', 'S', 'Palermo', 'x')))
      .toBe('*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
    expect(c.callSync('GEOPOS', 'S', 'Palermo')).toEqual([[13.36138933897018433, 38.11555639549629859]]);
  });

  it('GEOSEARCH COUNT ANY stops at the first matches in cell order', () => {
    const { c } = mk();
    c.callSync('GEOADD', 'g', '0', '0', 'a', '0.001', '0', 'b', '0.002', '0', 'c');
    expect(c.callSync('GEOSEARCH', 'g', 'FROMLONLAT', '0.002', '0', 'BYRADIUS', '10', 'km', 'COUNT', '1')).toEqual(['c']);
    expect(c.callSync('GEOSEARCH', 'g', 'FROMLONLAT', '0.002', '0', 'BYRADIUS', '10', 'km', 'COUNT', '1', 'ANY')).toEqual(['a']);
  });

  it('GEOSEARCHSTORE with STOREDIST stores distances in the requested unit', () => {
    const { c } = mk();
    c.callSync('GEOADD', 'g', '0', '0', 'a', '0', '1', 'b');
    expect(c.callSync('GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'a', 'BYRADIUS', '200', 'km', 'STOREDIST')).toBe(2);
    const scores = c.callSync('ZRANGE', 'd', '0', '-1', 'WITHSCORES') as string[];
    expect(scores[0]).toBe('a');
    expect(Number(scores[1])).toBe(0);
    expect(Number(scores[3])).toBeCloseTo(111.226, 2);
  });
});
