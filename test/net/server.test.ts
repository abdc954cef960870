import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import net from 'node:net';
import { Redis } from 'ioredis';
import { RedSim } from '../../src/server.js';
import { RedSimServer } from '../../src/net/server.js';
import { encodeCommand, parseReplies } from '../../src/resp/parser.js';
import type { Reply } from '../../src/reply.js';

let sim: RedSim;
let server: RedSimServer;
let port: number;
/** Replies for the test-only TESTBLOCK command, resolved by the tests. */
const blockers: Array<(r: Reply) => void> = [];

beforeAll(async () => {
  sim = new RedSim({ seed: 1 });
  // A command that stays pending until the test resolves it, standing in for
  // BLPOP & co. whatever the core implements.
  const exec = sim.execute.bind(sim);
  sim.execute = (client, argv) => {
    if (argv[0] === 'TESTBLOCK') return new Promise<Reply>((resolve) => blockers.push(resolve));
    return exec(client, argv);
  };
  server = new RedSimServer(sim);
  port = (await server.listen({ port: 0 })).port;
});

afterAll(async () => {
  await server.close();
});

/** Send bytes; resolve with what came back once `until` holds or the server closed. */
function exchange(data: Buffer | string, until: (got: Buffer) => boolean): Promise<{ got: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      s.destroy();
      resolve({ got, closed });
    };
    s.on('data', (c) => {
      got = Buffer.concat([got, c]);
      if (until(got)) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', (e) => (finished ? undefined : reject(e)));
    s.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  });
}

// Recorded from Redis 7.0.15: input bytes, reply bytes, connection closed after.
const PROTOCOL: Array<[string, string, string, boolean]> = [
  ["inline ping", "PING\r\n", "+PONG\r\n", false],
  ["inline lf only", "PING\n", "+PONG\r\n", false],
  ["inline empty lines", "\r\n\n  \r\nPING\r\n", "+PONG\r\n", false],
  ["inline quotes", "ECHO \"a\\x41\\n b\"\r\n", "$5\r\naA\n b\r\n", false],
  ["inline unbalanced", "PING\r\nECHO \"abc\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n", true],
  ["inline quote followed", "ECHO \"a\"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n", true],
  ["mb invalid count", "*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb empty count", "*\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb count plus", "*+1\r\n$4\r\nPING\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb count leading zero", "*01\r\n$4\r\nPING\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb count zero", "*0\r\nPING\r\n", "+PONG\r\n", false],
  ["mb count negative", "*-1\r\n*-5\r\nPING\r\n", "+PONG\r\n", false],
  ["mb count too big", "*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb count overflow neg", "*-9223372036854775809\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["mb count min neg", "*-9223372036854775808\r\nPING\r\n", "+PONG\r\n", false],
  ["expected $", "*1\r\n:4\r\nPING\r\n", "-ERR Protocol error: expected '$', got ':'\r\n", true],
  ["expected $ got cr", "*1\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n", true],
  ["expected $ got high byte", "*1\r\n\u00e9\r\n", "-ERR Protocol error: expected '$', got '\u00e9'\r\n", true],
  ["bad bulk len", "*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n", true],
  ["neg bulk len", "*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n", true],
  ["huge bulk len", "*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n", true],
  ["pipelined before error", "*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n", "+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", true],
  ["bad terminator ignored", "*1x$4yPINGzw*1\r\n$4\r\nPING\r\n", "-ERR Protocol error: invalid multibulk length\r\n", true],
  ["bulk data not crlf", "*2\r\n$4\r\nECHOxy$2\r\nhiAB", "$2\r\nhi\r\n", false],
  ["too big inline", 'A'.repeat(70000), "-ERR Protocol error: too big inline request\r\n", true],
  ["too big mbulk count", '*' + '1'.repeat(70000), "-ERR Protocol error: too big mbulk count string\r\n", true],
  ["too big bulk count", '*1\r\n$' + '1'.repeat(70000), "-ERR Protocol error: too big bulk count string\r\n", true],
  ["inline binary", "ECHO \u00ff\u00fe\r\n", "$2\r\n\u00ff\u00fe\r\n", false],
  ["error with newline echo", "*2\r\n$4\r\nECHO\r\n$3\r\na\nb\r\n", "$3\r\na\nb\r\n", false],
  ["unknown cmd with crlf arg", "*2\r\n$3\r\nFOO\r\n$3\r\na\r\n\r\n", "-ERR unknown command 'FOO', with args beginning with: 'a  ' \r\n", false],
  ["quit", "PING\r\nQUIT\r\nPING\r\n", "+PONG\r\n+OK\r\n", true],
];

describe('wire protocol: byte-exact with Redis 7.0.15', () => {
  test.each(PROTOCOL)('%s', async (_name, input, reply, closed) => {
    const r = await exchange(input, (got) => !closed && got.length >= reply.length);
    expect(r.got.toString('latin1')).toBe(reply);
    expect(r.closed).toBe(closed);
  });

  test('input split into single bytes', async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const wire = 'PING\r\n' + encodeCommand(['ECHO', 'a\r\nb']).toString('latin1') + 'ECHO "x y"\n';
    const expected = '+PONG\r\n$4\r\na\r\nb\r\n$3\r\nx y\r\n';
    let got = '';
    const done = new Promise<void>((resolve) =>
      s.on('data', (c) => {
        got += c.toString('latin1');
        if (got.length >= expected.length) resolve();
      }),
    );
    for (const ch of wire) {
      s.write(Buffer.from(ch, 'latin1'));
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(got).toBe(expected);
    s.destroy();
  });
});

describe('pipelining and ordering', () => {
  test('1000 pipelined commands in one write come back in order', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 1000; i++) parts.push(encodeCommand(['ECHO', `m${i}`]));
    const wire = Buffer.concat(parts);
    const r = await exchange(wire, (got) => parseReplies(got).replies.length >= 1000);
    const { replies, rest } = parseReplies(r.got);
    expect(rest.length).toBe(0);
    expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => ({ t: 'bulk', v: `m${i}` })));
  });

  test('a pending command holds back its own connection only', async () => {
    const a = net.connect(port, '127.0.0.1');
    let gotA = '';
    a.on('data', (c) => (gotA += c.toString('latin1')));
    await new Promise((r) => a.once('connect', r));
    const before = blockers.length;
    a.write(encodeCommand(['TESTBLOCK']));
    a.write(encodeCommand(['ECHO', 'after']));
    while (blockers.length === before) await new Promise((r) => setImmediate(r));

    // another connection is served meanwhile
    const b = await exchange(encodeCommand(['ECHO', 'other']), (got) => got.length >= 11);
    expect(b.got.toString('latin1')).toBe('$5\r\nother\r\n');
    expect(gotA).toBe('');

    blockers[before]({ t: 'bulk', v: 'woke' });
    while (gotA.length < '$4\r\nwoke\r\n$5\r\nafter\r\n'.length) await new Promise((r) => setImmediate(r));
    expect(gotA).toBe('$4\r\nwoke\r\n$5\r\nafter\r\n');
    a.destroy();
  });
});

describe('CLIENT KILL', () => {
  test('killing another connection closes its socket; killing yourself closes after the reply', async () => {
    const victim = net.connect(port, '127.0.0.1');
    let victimGot = '';
    victim.on('data', (c) => (victimGot += c.toString('latin1')));
    const victimClosed = new Promise((r) => victim.once('close', r));
    victim.write('CLIENT ID\r\n');
    while (!victimGot.endsWith('\r\n')) await new Promise((r) => setImmediate(r));
    const id = victimGot.slice(1, -2);
    const r = await exchange(`CLIENT KILL ID ${id}\r\n`, (got) => got.length >= 4);
    expect(r.got.toString('latin1')).toBe(':1\r\n');
    await victimClosed;
    // as Redis 7.0.15: ":1" and the connection closes; the PING is not run
    const me = net.connect(port, '127.0.0.1');
    let meGot = '';
    me.on('data', (c) => (meGot += c.toString('latin1')));
    const meClosed = new Promise((r) => me.once('close', r));
    me.write('CLIENT ID\r\n');
    while (!meGot.endsWith('\r\n')) await new Promise((r) => setImmediate(r));
    const myId = meGot.slice(1, -2);
    meGot = '';
    me.write(`CLIENT KILL ID ${myId} SKIPME no\r\nPING\r\n`);
    await meClosed;
    expect(meGot).toBe(':1\r\n');
  });
});

describe('RESP3 per connection', () => {
  test('HELLO 3 switches only that connection, and its own reply is RESP3', async () => {
    const wire = Buffer.concat([encodeCommand(['HELLO', '3']), encodeCommand(['CONFIG', 'GET', 'maxmemory-policy'])]);
    const r = await exchange(wire, (got) => parseReplies(got).replies.length >= 2);
    const text = r.got.toString('latin1');
    expect(text.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n')).toBe(true);
    expect(text.endsWith('%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n')).toBe(true);
    const r2 = await exchange(encodeCommand(['CONFIG', 'GET', 'maxmemory-policy']), (got) => parseReplies(got).replies.length >= 1);
    expect(r2.got.toString('latin1')).toBe('*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n');
  });
});

describe('ioredis client', () => {
  test('commands, binary values, pipeline, multi', async () => {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    try {
      expect(await c.set('io:k', 'v1')).toBe('OK');
      expect(await c.get('io:k')).toBe('v1');
      const bin = Buffer.from([0, 255, 13, 10, 1]);
      await c.set('io:bin', bin);
      expect(await c.getBuffer('io:bin')).toEqual(bin);
      const res = await c.pipeline().incr('io:n').incr('io:n').get('io:n').exec();
      expect(res).toEqual([[null, 1], [null, 2], [null, '2']]);
      const m = await c.multi().set('io:a', '1').get('io:a').exec();
      expect(m).toEqual([[null, 'OK'], [null, '1']]);
      await expect(c.incr('io:k')).rejects.toThrow('ERR value is not an integer or out of range');
    } finally {
      c.disconnect();
    }
  });

  test('many concurrent clients', async () => {
    const clients = Array.from({ length: 20 }, () => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
    await Promise.all(clients.map((c) => c.connect()));
    await Promise.all(clients.map((c, i) => c.set(`cc:${i}`, String(i))));
    const vals = await Promise.all(clients.map((c, i) => c.get(`cc:${(i + 1) % 20}`)));
    expect(vals).toEqual(Array.from({ length: 20 }, (_, i) => String((i + 1) % 20)));
    const before = server.connections;
    clients.forEach((c) => c.disconnect());
    while (server.connections > before - 20) await new Promise((r) => setTimeout(r, 5));
    expect(server.connections).toBe(before - 20);
  });
});

describe('listen and close', () => {
  test('close drops connections and frees the port', async () => {
    const sim2 = new RedSim();
    const s2 = new RedSimServer(sim2);
    const addr = await s2.listen({ port: 0 });
    expect(addr.address).toBe('127.0.0.1');
    const sock = net.connect(addr.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const closed = new Promise((r) => sock.once('close', r));
    await s2.close();
    await closed;
    expect(sim2.clients.size).toBe(0);
    const s3 = new RedSimServer(new RedSim());
    await s3.listen({ port: addr.port });
    await s3.close();
  });
});
