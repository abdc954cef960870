import { describe, it, expect } from 'vitest';
import { readMonitorTrace } from '../../src/replay/monitor.js';
import { replay } from '../../src/replay/replay.js';

const T = (lines: string[]) => lines.join('\n') + '\n';
const A = '[0 127.0.0.1:50000]';

describe('replay of scripts against their recorded [db lua] effects', () => {
  it('lua lines become the effects of the script command before them', () => {
    const e = readMonitorTrace(T([
      `1700000000.000001 ${A} "EVAL" "redis.call('SET', KEYS[1], ARGV[1])" "1" "k" "v"`,
      '1700000000.000002 [0 lua] "SET" "k" "v"',
      `1700000000.000003 ${A} "GET" "k"`,
    ]));
    expect(e.length).toBe(2);
    expect(e[0].effects?.map((x) => x.argv)).toEqual([['SET', 'k', 'v']]);
    expect(e[1].effects).toBeUndefined();
  });

  it('verify (default): a script whose random pick differs from the trace is reported with its line', async () => {
    const trace = readMonitorTrace(T([
      `1700000000.000001 ${A} "SADD" "s" "a" "b" "c"`,
      `1700000000.000002 ${A} "EVAL" "local m = redis.call('SRANDMEMBER', KEYS[1]) return redis.call('SET', 'picked', m)" "1" "s"`,
      '1700000000.000003 [0 lua] "SRANDMEMBER" "s"',
      '1700000000.000004 [0 lua] "SET" "picked" "not-a-member"',
    ]));
    const res = await replay(trace, { seed: 1 }, () => {});
    expect(res.divergences.length).toBe(1);
    expect(res.divergences[0]).toMatch(/^line 2: .*script command 2 differs: the trace has \[0\] "SET" "picked" "not-a-member" \(line 4\), the replay ran \[0\] "SET" "picked" "[abc]"/);
  });

  it('verify: a script that matches its trace reports nothing', async () => {
    const trace = readMonitorTrace(T([
      `1700000000.000002 ${A} "EVAL" "redis.call('INCR', KEYS[1]) return redis.call('INCR', KEYS[1])" "1" "n"`,
      '1700000000.000003 [0 lua] "INCR" "n"',
      '1700000000.000004 [0 lua] "INCR" "n"',
    ]));
    const res = await replay(trace, {}, () => {});
    expect(res.divergences).toEqual([]);
    expect(res.sim.connect().callSync('GET', 'n')).toBe('2');
  });

  it('an FCALL of a library loaded before the trace began gets its recorded effects applied', async () => {
    const trace = readMonitorTrace(T([
      `1700000000.000002 ${A} "FCALL" "enqueue" "1" "q" "job1"`,
      '1700000000.000003 [0 lua] "RPUSH" "q" "job1"',
      '1700000000.000004 [0 lua] "INCR" "q:count"',
      `1700000000.000005 ${A} "LLEN" "q"`,
    ]));
    const out: string[] = [];
    const res = await replay(trace, { print: 'replies' }, (s) => out.push(s));
    expect(res.effectsApplied).toBe(1);
    expect(res.divergences).toEqual([]);
    const c = res.sim.connect();
    expect(c.callSync('LRANGE', 'q', '0', '-1')).toEqual(['job1']);
    expect(c.callSync('GET', 'q:count')).toBe('1');
    expect(out.join('')).toContain('(script not known to the replay: its 2 recorded command(s) applied instead)');
  });

  it("effects mode applies the recorded commands and never runs the script", async () => {
    const trace = readMonitorTrace(T([
      `1700000000.000002 ${A} "EVAL" "return redis.call('SET', 'x', 'from-script')" "0"`,
      '1700000000.000003 [0 lua] "SET" "x" "from-trace"',
    ]));
    const res = await replay(trace, { scripts: 'effects' }, () => {});
    expect(res.sim.connect().callSync('GET', 'x')).toBe('from-trace');
  });

  it('a malformed line is reported with its number and skipped; strict stops there', () => {
    const text = T([`1700000000.000001 ${A} "SET" "a" "1"`, 'garbage here', `1700000000.000002 ${A} "GET" "a"`]);
    const warnings: string[] = [];
    expect(readMonitorTrace(text, { warnings }).map((e) => e.argv[0])).toEqual(['SET', 'GET']);
    expect(warnings[0]).toMatch(/^line 2: not a MONITOR line: .*\(skipped\)$/);
    expect(() => readMonitorTrace(text, { strict: true, warnings: [] })).toThrow(/^line 2: not a MONITOR line/);
  });
});
