import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

const mk = () => {
  const sim = new RedSim({ clock: new VirtualClock(1_700_000_000_000), seed: 1 });
  return { sim, a: sim.connect({ addr: '127.0.0.1:50001' }), b: sim.connect({ addr: '127.0.0.1:50002' }) };
};

const FIELDS = ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
  'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp'];

describe('CLIENT LIST / INFO', () => {
  it('has Redis 7.0 fields in order, one line per client ending in a newline', () => {
    const { a, b } = mk();
    b.callSync('CLIENT', 'SETNAME', 'bee');
    b.callSync('SELECT', '3');
    const list = a.callSync('CLIENT', 'LIST') as string;
    const lines = list.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.split(' ').map((kv) => kv.split('=')[0])).toEqual(FIELDS);
    expect(lines[1]).toContain(`id=${b.id} addr=127.0.0.1:50002 `);
    expect(lines[1]).toContain(' name=bee ');
    expect(lines[1]).toContain(' db=3 ');
    expect(lines[1]).toContain(' cmd=select ');
    expect(lines[0]).toContain(' cmd=client|list ');
    expect(lines[0]).toContain(' flags=N ');
  });

  it('CLIENT INFO describes the caller; LIST ID keeps argument order and repeats', () => {
    const { a, b } = mk();
    expect(a.callSync('CLIENT', 'INFO')).toMatch(new RegExp(`^id=${a.id} .* resp=2\\n$`));
    const l = a.callSync('CLIENT', 'LIST', 'ID', String(b.id), String(a.id), String(b.id), '0') as string;
    expect(l.split('\n').slice(0, -1).map((x) => x.split(' ')[0])).toEqual([`id=${b.id}`, `id=${a.id}`, `id=${b.id}`]);
  });

  it('NO-EVICT shows flag e and survives RESET; an unknown command sets cmd=NULL', () => {
    const { a } = mk();
    a.callSync('CLIENT', 'NO-EVICT', 'on');
    a.callSync('RESET');
    expect(a.callSync('CLIENT', 'INFO')).toContain(' flags=e ');
    a.send('NOSUCH');
    const { b } = { b: a };
    expect((b.sim.connect().callSync('CLIENT', 'LIST', 'ID', String(a.id)) as string)).toContain(' cmd=NULL ');
  });

  it('age and idle are whole seconds of the server clock', () => {
    const { sim, a, b } = mk();
    (sim.clock as VirtualClock).advance(5_500);
    b.callSync('PING');
    const line = a.callSync('CLIENT', 'LIST', 'ID', String(b.id)) as string;
    expect(line).toMatch(/ age=5 idle=0 /);
  });
});

describe('CLIENT KILL', () => {
  it('old form can kill the caller, which closes after the reply', () => {
    const { a } = mk();
    expect(a.callSync('CLIENT', 'KILL', '127.0.0.1:50001')).toBe('OK');
    expect(a.client.closeAfterReply).toBe(true);
  });

  it('new form filters by every option and skips the caller by default', () => {
    const { sim, a, b } = mk();
    const c = sim.connect({ addr: '127.0.0.1:50003' });
    expect(a.callSync('CLIENT', 'KILL', 'ADDR', '127.0.0.1:50003', 'TYPE', 'normal')).toBe(1);
    expect(c.client.closed).toBe(true);
    expect(a.callSync('CLIENT', 'KILL', 'USER', 'default')).toBe(1);
    expect(b.client.closed).toBe(true);
    expect(a.callSync('CLIENT', 'KILL', 'ID', String(a.id))).toBe(0);
    expect(a.callSync('CLIENT', 'KILL', 'ID', String(a.id), 'SKIPME', 'no')).toBe(1);
  });

  it('RESET restores db 0, RESP2, no name, no transaction, no watches', () => {
    const { a } = mk();
    a.callSync('SELECT', '4');
    a.callSync('HELLO', '3', 'SETNAME', 'x');
    a.callSync('WATCH', 'k');
    a.callSync('MULTI');
    expect(a.callSync('RESET')).toBe('RESET');
    expect(a.client.db.id).toBe(0);
    expect(a.client.resp).toBe(2);
    expect(a.client.name).toBe('');
    expect(a.client.multi).toBe(false);
    expect(a.client.watched).toHaveLength(0);
  });
});
