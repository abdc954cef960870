import { describe, it, expect } from 'vitest';
import { RedSim } from '../../src/server.js';

/** CLIENT LIST fields the differential harness cannot compare (the rest of the line differs by design). */
describe('tracking: CLIENT LIST flags and redir', () => {
  it('shows t, B and R and the redirect id', () => {
    const sim = new RedSim({ seed: 1 });
    const a = sim.connect();
    const b = sim.connect();
    const r = sim.connect();
    const line = () => String(a.callSync('CLIENT', 'INFO'));
    expect(line()).toMatch(/ flags=N .* redir=-1 /);
    a.callSync('CLIENT', 'TRACKING', 'ON', 'BCAST');
    expect(line()).toMatch(/ flags=tB .* redir=0 /);
    a.callSync('CLIENT', 'TRACKING', 'OFF');
    const rid = String(r.callSync('CLIENT', 'ID'));
    a.callSync('CLIENT', 'TRACKING', 'ON', 'REDIRECT', rid);
    expect(line()).toMatch(new RegExp(` flags=t .* redir=${rid} `));
    a.callSync('GET', 'k');
    r.close();
    b.callSync('SET', 'k', 'v');
    expect(line()).toMatch(new RegExp(` flags=tR .* redir=${rid} `));
    a.callSync('CLIENT', 'TRACKING', 'OFF');
    expect(line()).toMatch(/ flags=N .* redir=-1 /);
  });
});
