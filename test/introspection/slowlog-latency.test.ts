import { describe, it, expect } from 'vitest';
import { RedSim, VirtualClock } from '../../src/index.js';
import { Histogram } from '../../src/introspection/latency.js';

function sim() {
  const clock = new VirtualClock(1_700_000_000_000);
  const s = new RedSim({ clock, seed: 1, config: { 'enable-debug-command': 'yes' } });
  return { clock, s, c: s.connect({ addr: '10.0.0.1:5555' }) };
}

describe('SLOWLOG on the virtual clock', () => {
  it('logs durations from DEBUG SLEEP with the client address and name', () => {
    const { c } = sim();
    c.callSync('CONFIG', 'SET', 'slowlog-log-slower-than', '100000');
    c.callSync('CLIENT', 'SETNAME', 'worker');
    c.callSync('SET', 'k', 'v');
    c.callSync('DEBUG', 'SLEEP', '0.25');
    const log = c.callSync('SLOWLOG', 'GET') as unknown[][];
    expect(log.length).toBe(1);
    expect(log[0].slice(1)).toEqual([1_700_000_000, 250000, ['DEBUG', 'SLEEP', '0.25'], '10.0.0.1:5555', 'worker']);
  });

  it('keeps 32 arguments and 128 bytes per argument', () => {
    const { c } = sim();
    c.callSync('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    const args = Array.from({ length: 40 }, (_, i) => `a${i}`);
    c.callSync('SLOWLOG', 'RESET');
    c.callSync('RPUSH', 'l', 'x'.repeat(200), ...args);
    const e = (c.callSync('SLOWLOG', 'GET', '1') as unknown[][])[0];
    const argv = e[3] as string[];
    expect(argv.length).toBe(32);
    expect(argv[2]).toBe('x'.repeat(128) + '... (72 more bytes)');
    expect(argv[31]).toBe('... (12 more arguments)');
  });

  it('ids keep counting across RESET and the log is capped at slowlog-max-len', () => {
    const { c } = sim();
    c.callSync('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    c.callSync('CONFIG', 'SET', 'slowlog-max-len', '2');
    c.callSync('SLOWLOG', 'RESET');
    c.callSync('PING');
    c.callSync('PING');
    c.callSync('PING');
    const log = c.callSync('SLOWLOG', 'GET', '-1') as unknown[][];
    expect(log.map((e) => e[0])).toEqual([5, 4]);
  });
});

describe('LATENCY on the virtual clock', () => {
  it('records command events per second, keeps the max, graphs and reports them', () => {
    const { c, clock } = sim();
    c.callSync('CONFIG', 'SET', 'latency-monitor-threshold', '100');
    c.callSync('DEBUG', 'SLEEP', '0.2');
    c.callSync('DEBUG', 'SLEEP', '0.3'); // same second: keeps the worse
    clock.advance(2000);
    c.callSync('DEBUG', 'SLEEP', '0.15');
    const hist = c.callSync('LATENCY', 'HISTORY', 'command') as number[][];
    expect(hist.map((h) => h[1])).toEqual([300, 150]);
    expect(hist[1][0] - hist[0][0]).toBe(2);
    const latest = c.callSync('LATENCY', 'LATEST') as unknown[][];
    expect(latest).toEqual([['command', hist[1][0], 150, 300]]);
    const graph = c.callSync('LATENCY', 'GRAPH', 'command') as string;
    expect(graph.split('\n')[0]).toBe('command - high 300 ms, low 150 ms (all time high 300 ms)');
    const doctor = c.callSync('LATENCY', 'DOCTOR') as string;
    expect(doctor).toContain('1. command: 2 latency spikes (average 225ms, mean deviation 75ms');
    expect(c.callSync('LATENCY', 'RESET')).toBe(1);
  });
});

describe('latency histogram buckets (hdr, 2 significant figures)', () => {
  it('reports power-of-two levels as Redis prints them', () => {
    const h = new Histogram();
    for (const us of [0, 1, 3, 16, 20, 40, 70, 3000]) h.record(us * 1000);
    expect(h.cdf()).toEqual([[1, 2], [4, 3], [16, 4], [33, 5], [66, 6], [132, 7], [4227, 8]]);
  });
});

describe('SLOWLOG redaction', () => {
  it('hides passwords and user rules as the commands redact them', () => {
    const { c } = sim();
    c.callSync('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    c.callSync('SLOWLOG', 'RESET');
    c.callSync('CONFIG', 'SET', 'masterauth', 'secret');
    c.callSync('ACL', 'SETUSER', 'u1', '>pw', '+get');
    c.callSync('ACL', 'DELUSER', 'u1');
    const log = (c.callSync('SLOWLOG', 'GET') as unknown[][]).map((e) => (e[3] as string[]).join(' '));
    expect(log).toEqual(['ACL DELUSER u1', 'ACL SETUSER (redacted) (redacted) (redacted)', 'CONFIG SET masterauth (redacted)', 'SLOWLOG RESET']);
  });
});
