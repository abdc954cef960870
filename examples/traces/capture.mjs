// Captures examples/traces/: run against a private redis-server 7.0.15 on port 6419
// started with --appendonly yes, while `redis-cli -p 6419 monitor > monitor.txt` runs.
import net from 'node:net';
const port = 6419;
function conn() {
  const s = net.connect(port, '127.0.0.1');
  let buf = '';
  const waiters = [];
  s.setEncoding('latin1');
  s.on('data', (d) => { buf += d; flush(); });
  function flush() {
    while (waiters.length) {
      const n = replyLen(buf, 0);
      if (n < 0) return;
      const r = buf.slice(0, n); buf = buf.slice(n);
      waiters.shift()(r);
    }
  }
  return {
    send(...argv) {
      let m = '*' + argv.length + '\r\n';
      for (const a of argv) { const b = Buffer.from(a, 'latin1'); m += '$' + b.length + '\r\n' + a + '\r\n'; }
      s.write(Buffer.from(m, 'latin1'));
      return new Promise((res) => { waiters.push(res); flush(); });
    },
    close() { s.end(); },
  };
}
function replyLen(b, p) {
  const e = b.indexOf('\r\n', p); if (e < 0) return -1;
  const t = b[p], line = b.slice(p + 1, e);
  if (t === '$') { const n = +line; if (n < 0) return e + 2; return b.length >= e + 2 + n + 2 ? e + 2 + n + 2 : -1; }
  if (t === '*') { const n = +line; let q = e + 2; for (let i = 0; i < n; i++) { q = replyLen(b, q); if (q < 0) return -1; } return q; }
  return e + 2;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const a = conn(), b = conn(), c = conn();
await a.send('SELECT', '9');
await a.send('SET', 'greeting', 'hello world');
await a.send('SET', 'bin', '\x00\xff"quoted"\\back\n\r\t\x07\x08 é');
await a.send('INCR', 'counter');
await a.send('INCRBY', 'counter', '41');
await b.send('SELECT', '9');
await b.send('RPUSH', 'queue', 'job1', 'job2');
await b.send('HSET', 'user:1', 'name', 'Ada', 'lang', 'en');
await b.send('SADD', 'tags', 'x', 'y', 'z', '1');
await b.send('ZADD', 'board', '10', 'alice', '2.5', 'bob');
await a.send('EXPIRE', 'greeting', '100');
await a.send('SET', 'temp', 'soon', 'PX', '50');
await sleep(120);
await a.send('GET', 'temp');
await b.send('EVAL', "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", '2', 'fromlua', 'counter', 'v1');
await a.send('MULTI');
await a.send('LPUSH', 'queue', 'urgent');
await a.send('HINCRBY', 'user:1', 'visits', '1');
await a.send('EXEC');
await c.send('SELECT', '9');
const blocked = c.send('BLPOP', 'jobs', '0');
await sleep(50);
await b.send('RPUSH', 'jobs', 'j1');
await blocked;
await c.send('SELECT', '0');
await c.send('SET', 'rs:db0', 'zero');
await c.send('SELECT', '9');
await c.send('EVAL', "return redis.call('GET', KEYS[1])", '1', 'greeting');
await a.send('DEL', 'rs:db0-missing', 'tags');
await a.send('SETEX', 'session', '3600', 'abc');
await b.send('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0');
await sleep(50);
a.close(); b.close(); c.close();
