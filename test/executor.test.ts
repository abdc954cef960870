import { describe, it, expect } from 'vitest';
import { RedSim } from '../src/server.js';
import { VirtualClock } from '../src/clock.js';
import { HANDLERS, UNSUPPORTED } from '../src/commands/registry.js';
import { allSpecs } from '../src/commands/table.js';

const mk = () => new RedSim({ clock: new VirtualClock(), seed: 1 });

describe('executor pipeline', () => {
  it('rejects unknown commands and subcommands with Redis texts', () => {
    const c = mk().connect();
    expect(c.send('NOPE', 'a', 'b')).toEqual({ t: 'error', v: "ERR unknown command 'NOPE', with args beginning with: 'a' 'b' " });
    expect(c.send('config', 'foo')).toEqual({ t: 'error', v: "ERR unknown subcommand 'foo'. Try CONFIG HELP." });
    expect(c.send('config')).toEqual({ t: 'error', v: "ERR wrong number of arguments for 'config' command" });
    expect(c.send('get')).toEqual({ t: 'error', v: "ERR wrong number of arguments for 'get' command" });
  });

  it('flags the transaction on queue-time rejections only', () => {
    const c = mk().connect();
    expect(c.send('MULTI')).toEqual({ t: 'status', v: 'OK' });
    expect(c.send('PING', 'x')).toEqual({ t: 'status', v: 'QUEUED' });
    expect((c.send('NOPE') as { t: string }).t).toBe('error');
    expect(c.send('EXEC')).toEqual({ t: 'error', v: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(c.send('MULTI')).toEqual({ t: 'status', v: 'OK' });
    expect(c.send('SELECT', 'x')).toEqual({ t: 'status', v: 'QUEUED' });
    expect(c.send('PING', 'y')).toEqual({ t: 'status', v: 'QUEUED' });
    expect(c.send('EXEC')).toEqual({ t: 'array', v: [{ t: 'error', v: 'ERR value is not an integer or out of range' }, { t: 'bulk', v: 'y' }] });
    expect(c.send('EXEC')).toEqual({ t: 'error', v: 'ERR EXEC without MULTI' });
  });

  it('WATCH: a write by any client dirties the transaction', () => {
    const sim = mk();
    const a = sim.connect();
    const db = sim.dbs[0];
    a.send('WATCH', 'k');
    db.set('k', { type: 'string', v: 'x', lru: 0 });
    a.send('MULTI');
    a.send('PING');
    expect(a.send('EXEC')).toEqual({ t: 'nilarray' });
  });
});

describe('command table', () => {
  it('every table row has a handler or an explicit unsupported entry, and every handler has a row', () => {
    // Leaf commands, plus containers callable without a subcommand (COMMAND).
    const rows = allSpecs().filter((s) => !s.subcommands || s.arity === -1);
    const missing = rows.filter((s) => !HANDLERS.has(s.fullname) && !UNSUPPORTED.has(s.fullname)).map((s) => s.fullname);
    const names = new Set(rows.map((s) => s.fullname));
    const orphans = [...HANDLERS.keys(), ...UNSUPPORTED.keys()].filter((k) => !names.has(k));
    expect(orphans).toEqual([]);
    expect(missing).toEqual([]);
  });
});

describe('values beyond what a JS string can hold', () => {
  it('answers a clear error instead of an internal error, and the server keeps working', () => {
    const c = mk().connect();
    expect(c.send('SETRANGE', 'k', '536870911', 'x')).toEqual({ t: 'error', v: 'ERR redsim cannot hold a value this large (JavaScript strings are limited to 536870888 bytes)' });
    expect(c.send('EXISTS', 'k')).toEqual({ t: 'int', v: 0 });
    expect(c.send('PING')).toEqual({ t: 'status', v: 'PONG' });
  });
});
