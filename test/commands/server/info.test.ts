import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

const mk = () => {
  const sim = new RedSim({ clock: new VirtualClock(1_700_000_000_000), seed: 1 });
  return { sim, a: sim.connect() };
};

describe('INFO', () => {
  it('sections are "# Title" headers with key:value lines, CRLF separated, a blank line between sections', () => {
    const { a } = mk();
    const text = a.callSync('INFO') as string;
    const sections = text.split('\r\n\r\n');
    expect(sections.map((s) => s.split('\r\n')[0])).toEqual(
      ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace']);
    for (const s of sections) {
      for (const line of s.split('\r\n').slice(1).filter(Boolean)) expect(line).toMatch(/^[a-z0-9_]+:/);
    }
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it('keyspace lines count keys and expires per db', () => {
    const { a } = mk();
    a.callSync('SET', 'a', '1');
    a.callSync('SET', 'b', '1', 'PX', '1000');
    a.callSync('SELECT', '2');
    a.callSync('SET', 'c', '1');
    const text = a.callSync('INFO', 'keyspace') as string;
    expect(text).toBe('# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=1000\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n');
  });

  it('selects sections case-insensitively; unknown sections give an empty reply', () => {
    const { a } = mk();
    expect((a.callSync('INFO', 'SERVER') as string).startsWith('# Server\r\nredis_version:7.0.15\r\n')).toBe(true);
    expect(a.callSync('INFO', 'nosuch')).toBe('');
  });

  it('TIME is [seconds, microseconds] of the server clock; LASTSAVE is an integer', () => {
    const { sim, a } = mk();
    (sim.clock as VirtualClock).advance(1234.567);
    expect(a.callSync('TIME')).toEqual(['1700000001', '234567']);
    expect(typeof a.callSync('LASTSAVE')).toBe('number');
  });
});
