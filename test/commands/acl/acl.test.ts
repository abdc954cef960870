import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { ReplyError } from '../../../src/api.js';
import { checkChannel, checkKey } from '../../../src/acl/check.js';

const T0 = 1_700_000_000_000;
const mk = (opts: ConstructorParameters<typeof RedSim>[0] = {}) => {
  const clock = new VirtualClock(T0);
  const sim = new RedSim({ clock, seed: 1, ...opts });
  return { sim, clock };
};
const errOf = (f: () => unknown): string => {
  try { f(); } catch (e) { if (e instanceof ReplyError) return e.message; throw e; }
  throw new Error('no error');
};

const tmpDirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'redsim-acl-')); tmpDirs.push(d); return d; };
afterEach(() => { for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('requirepass and authentication (in-process)', () => {
  it('new RedSim({ config: { requirepass } }): connections must AUTH first', async () => {
    const { sim } = mk({ config: { requirepass: 's3cret' } });
    const a = sim.connect();
    expect(errOf(() => a.callSync('GET', 'k'))).toBe('NOAUTH Authentication required.');
    expect(errOf(() => a.callSync('AUTH', 'nope'))).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(a.callSync('AUTH', 's3cret')).toBe('OK');
    expect(a.callSync('SET', 'k', 'v')).toBe('OK');
    await expect(sim.connect().call('GET', 'k')).rejects.toThrow('NOAUTH Authentication required.');
  });

  it('CONFIG SET requirepass changes the default user; existing connections stay authenticated', () => {
    const { sim } = mk();
    const a = sim.connect();
    a.callSync('CONFIG', 'SET', 'requirepass', 'pw');
    expect(a.callSync('PING')).toBe('PONG');
    const b = sim.connect();
    expect(errOf(() => b.callSync('PING'))).toBe('NOAUTH Authentication required.');
    expect(b.callSync('AUTH', 'default', 'pw')).toBe('OK');
    a.callSync('CONFIG', 'SET', 'requirepass', '');
    expect((a.callSync('ACL', 'GETUSER', 'default') as unknown[])[1]).toEqual(['on', 'nopass']);
    expect(sim.connect().callSync('PING')).toBe('PONG');
  });

  it('user lines in the options create users at start-up; bad lines throw', () => {
    const { sim } = mk({ users: ['user alice on >pw ~a* +get', 'bob on nopass +@all ~*'] });
    const a = sim.connect();
    expect(a.callSync('ACL', 'USERS')).toEqual(['alice', 'bob', 'default']);
    expect(a.callSync('AUTH', 'alice', 'pw')).toBe('OK');
    expect(errOf(() => a.callSync('SET', 'a1', 'v'))).toBe("NOPERM this user has no permissions to run the 'set' command");
    expect(() => mk({ users: ['user x on bogus'] })).toThrow(/Syntax error/);
    expect(() => mk({ users: ['user x on', 'user x off'] })).toThrow(/Duplicate user/);
    // An unknown command is only reported when the users are loaded.
    expect(() => mk({ users: ['user x on +nosuchcmd'] })).toThrow(/Unknown command/);
  });
});

describe('ACL LOG', () => {
  it('records denials with Redis fields, groups repeats, and honours count and RESET', () => {
    const { sim, clock } = mk();
    const admin = sim.connect();
    admin.callSync('ACL', 'SETUSER', 'u', 'on', '>p', '~k*', '+get', '+multi', '+exec', '+eval');
    const c = sim.connect({ addr: '127.0.0.1:50123' });
    c.callSync('AUTH', 'u', 'p');
    expect(() => c.callSync('SET', 'k', 'v')).toThrow();
    clock.advance(1500);
    expect(() => c.callSync('SET', 'k', 'v')).toThrow();
    expect(() => c.callSync('GET', 'zz')).toThrow();
    expect(() => c.callSync('AUTH', 'u', 'bad')).toThrow();
    c.callSync('MULTI');
    expect(() => c.callSync('GET', 'other')).toThrow();
    expect(errOf(() => c.callSync('EXEC'))).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(c.callSync('EVAL', "local r = redis.pcall('get', 'x') return r['err']", '0'))
      .toBe("ERR The user executing the script can't access at least one of the keys mentioned in the command arguments");
    const log = admin.callSync('ACL', 'LOG') as unknown[][];
    expect(log).toHaveLength(5);
    const asObj = (e: unknown[]) => Object.fromEntries(Array.from({ length: e.length / 2 }, (_, i) => [e[2 * i], e[2 * i + 1]]));
    const entries = log.map(asObj);
    expect(entries.map((e) => [e.reason, e.context, e.object, e.username, e.count])).toEqual([
      ['key', 'lua', 'x', 'u', 1],
      ['key', 'multi', 'other', 'u', 1],
      ['auth', 'toplevel', 'AUTH', 'u', 1],
      ['key', 'toplevel', 'zz', 'u', 1],
      ['command', 'toplevel', 'set', 'u', 2],
    ]);
    expect(Object.keys(entries[0])).toEqual(['count', 'reason', 'context', 'object', 'username', 'age-seconds', 'client-info']);
    expect(entries[4]['age-seconds']).toBe('0');
    expect(entries[0]['client-info']).toMatch(/^id=\d+ addr=127\.0\.0\.1:50123 .* cmd=eval user=u /);
    clock.advance(2000);
    expect(asObj((admin.callSync('ACL', 'LOG', '1') as unknown[][])[0])['age-seconds']).toBe('2');
    expect(admin.callSync('ACL', 'LOG', '-5')).toEqual([]);
    expect(errOf(() => admin.callSync('ACL', 'LOG', 'x'))).toBe('ERR value is not an integer or out of range');
    // A repeat after more than 60 s starts a new entry.
    clock.advance(61_000);
    expect(() => c.callSync('GET', 'zz')).toThrow();
    expect((admin.callSync('ACL', 'LOG') as unknown[]).length).toBe(6);
    admin.callSync('CONFIG', 'SET', 'acllog-max-len', '2');
    expect(() => c.callSync('GET', 'yy')).toThrow();
    expect((admin.callSync('ACL', 'LOG') as unknown[]).length).toBe(2);
    expect(admin.callSync('ACL', 'LOG', 'RESET')).toBe('OK');
    expect(admin.callSync('ACL', 'LOG')).toEqual([]);
  });
});

describe('connections of deleted or replaced users', () => {
  it('ACL DELUSER closes the user\'s other connections, and the caller\'s after the reply', () => {
    const { sim } = mk();
    const admin = sim.connect();
    admin.callSync('ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '~*');
    const other = sim.connect();
    other.callSync('AUTH', 'gone', 'x');
    const self = sim.connect();
    self.callSync('AUTH', 'gone', 'x');
    expect(self.callSync('ACL', 'DELUSER', 'gone')).toBe(1);
    expect(other.client.closed).toBe(true);
    expect(self.client.closeAfterReply).toBe(true);
    expect(self.client.user.name).toBe('default');
    expect(self.client.authenticated).toBe(false);
    expect(admin.client.closed).toBe(false);
  });

  it('CLIENT KILL USER and CLIENT LIST show the user', () => {
    const { sim } = mk();
    const admin = sim.connect();
    admin.callSync('ACL', 'SETUSER', 'k', 'on', 'nopass', '+@all', '~*');
    const c = sim.connect();
    c.callSync('AUTH', 'k', 'x');
    expect(c.callSync('CLIENT', 'INFO')).toMatch(/ user=k /);
    expect(errOf(() => admin.callSync('CLIENT', 'KILL', 'USER', 'nobody'))).toBe("ERR No such user 'nobody'");
    expect(admin.callSync('CLIENT', 'KILL', 'USER', 'k')).toBe(1);
    expect(c.client.closed).toBe(true);
  });
});

describe('ACL LOAD / SAVE with an aclfile', () => {
  it('saves every user and loads them back; errors leave the users unchanged', () => {
    const dir = tmp();
    const file = path.join(dir, 'users.acl');
    fs.writeFileSync(file, 'user default on nopass ~* &* +@all\nuser alice on >pw ~a* -@all +get\n');
    const { sim } = mk({ config: { aclfile: file } });
    const a = sim.connect();
    expect(a.callSync('ACL', 'USERS')).toEqual(['alice', 'default']);
    a.callSync('ACL', 'SETUSER', 'bob', 'on', '#' + 'ab'.repeat(32), '%R~b*', '&ch', '-@all', '+@hash', '(+set ~x)');
    expect(a.callSync('ACL', 'SAVE')).toBe('OK');
    const saved = fs.readFileSync(file, 'latin1');
    expect(saved).toBe(
      'user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~a* resetchannels -@all +get\n' +
      `user bob on #${'ab'.repeat(32)} %R~b* resetchannels &ch -@all +@hash (~x resetchannels -@all +set)\n` +
      'user default on nopass ~* &* +@all\n');
    expect(fs.readdirSync(dir)).toEqual(['users.acl']);
    a.callSync('ACL', 'DELUSER', 'bob');
    expect(a.callSync('ACL', 'LOAD')).toBe('OK');
    expect(a.callSync('ACL', 'LIST')).toEqual(saved.trim().split('\n'));

    fs.writeFileSync(file, 'user carol on +nosuch\nbogus line\nuser carol off\nuser "x y" on\nuser dave on %Q~x\n');
    expect(errOf(() => a.callSync('ACL', 'LOAD'))).toBe(
      `ERR ${file}:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. ` +
      `${file}:2 should start with user keyword followed by the username. ` +
      "WARNING: Duplicate user 'carol' found on line 3. " +
      `${file}:4: Syntax error. ` +
      `${file}:5: Syntax error. ` +
      'WARNING: ACL errors detected, no change to the previously active ACL rules was performed');
    expect(a.callSync('ACL', 'USERS')).toEqual(['alice', 'bob', 'default']);
    // Lines are split on single spaces (empty arguments included), as Redis does.
    fs.writeFileSync(file, 'user alice on >pw ~a* -@all +get\n\n  user   bob  on  nopass   \t\nuser x (+get ~a*\n');
    expect(errOf(() => a.callSync('ACL', 'LOAD'))).toBe(
      `ERR ${file}:3: Syntax error. ${file}:4: Unmatched parenthesis in selector definition.` +
      'WARNING: ACL errors detected, no change to the previously active ACL rules was performed');
    fs.rmSync(file);
    expect(errOf(() => a.callSync('ACL', 'LOAD'))).toBe(`ERR Error loading ACLs, opening file '${file}': No such file or directory`);
  });

  it('ACL LOAD disconnects clients of every user but default, and keeps default\'s connections', () => {
    const dir = tmp();
    const file = path.join(dir, 'users.acl');
    fs.writeFileSync(file, 'user alice on nopass ~* +@all\n');
    const { sim } = mk({ config: { aclfile: file } });
    const admin = sim.connect();
    const c = sim.connect();
    c.callSync('AUTH', 'alice', 'x');
    expect(admin.callSync('ACL', 'LOAD')).toBe('OK');
    expect(c.client.closed).toBe(true);
    expect(admin.client.closed).toBe(false);
    // No default user in the file: the default user is recreated with full access.
    expect(admin.callSync('ACL', 'GETUSER', 'default')).toContain('+@all');
  });

  it('aclfile and user lines together are refused; a bad aclfile stops start-up; no aclfile: LOAD/SAVE refused', () => {
    const dir = tmp();
    const file = path.join(dir, 'x.acl');
    fs.writeFileSync(file, 'user default on nopass ~* &* +@all\n');
    expect(() => mk({ config: { aclfile: file }, users: ['user a on'] })).toThrow(/invalid/);
    fs.writeFileSync(file, 'nonsense\n');
    expect(() => mk({ config: { aclfile: file } })).toThrow(/Aborting Redis startup because of ACL errors/);
    const { sim } = mk();
    expect(errOf(() => sim.connect().callSync('ACL', 'SAVE'))).toMatch(/^ERR This Redis instance is not configured to use an ACL file/);
    expect(errOf(() => sim.connect().callSync('CONFIG', 'SET', 'aclfile', '/tmp/x'))).toMatch(/can't set immutable config/);
  });
});

describe('other ACL subcommands', () => {
  it('GENPASS gives the requested number of hex digits from the seeded source', () => {
    const { sim } = mk();
    const a = sim.connect();
    const p = a.callSync('ACL', 'GENPASS') as string;
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect((a.callSync('ACL', 'GENPASS', '5') as string).length).toBe(2);
    expect((a.callSync('ACL', 'GENPASS', '4096') as string).length).toBe(1024);
    expect(errOf(() => a.callSync('ACL', 'GENPASS', '4097'))).toMatch(/positive number up to 4096/);
    expect(errOf(() => a.callSync('ACL', 'GENPASS', '0'))).toMatch(/positive number up to 4096/);
    const { sim: again } = mk();
    expect(again.connect().callSync('ACL', 'GENPASS')).toBe(p);
  });

  it('CAT lists categories in Redis order and the commands of one', () => {
    const { sim } = mk();
    const a = sim.connect();
    expect((a.callSync('ACL', 'CAT') as string[]).slice(0, 3)).toEqual(['keyspace', 'read', 'write']);
    const hash = a.callSync('ACL', 'CAT', 'HASH') as string[];
    expect(hash).toContain('hset');
    expect(hash).not.toContain('get');
    expect(a.callSync('ACL', 'CAT', 'admin')).toContain('config|set');
    expect(errOf(() => a.callSync('ACL', 'CAT', 'nope'))).toBe("ERR Unknown category 'nope'");
  });

  it('checkChannel / checkKey for code outside the executor (pub/sub)', () => {
    const { sim } = mk();
    const a = sim.connect();
    a.callSync('ACL', 'SETUSER', 'p', '&news.*', '%R~r*', '(&sports)');
    const u = sim.acl.users.get('p')!;
    expect(checkChannel(u, 'news.today', false)).toBe(true);
    expect(checkChannel(u, 'sports', false)).toBe(true);
    expect(checkChannel(u, 'weather', false)).toBe(false);
    expect(checkChannel(u, 'news.*', true)).toBe(true);
    expect(checkChannel(u, 'news.t*', true)).toBe(false);
    expect(checkKey(u, 'r1', ['RO', 'access'])).toBe(true);
    expect(checkKey(u, 'r1', ['RW', 'update'])).toBe(false);
    a.callSync('CONFIG', 'SET', 'acl-pubsub-default', 'allchannels');
    a.callSync('ACL', 'SETUSER', 'q');
    expect(checkChannel(sim.acl.users.get('q')!, 'anything', false)).toBe(true);
    expect(a.callSync('ACL', 'LIST')).toContain('user q off &* -@all');
  });
});
