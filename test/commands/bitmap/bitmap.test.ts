import { describe, it, expect } from 'vitest';
import { RedSim, VirtualClock } from '../../../src/index.js';
import type { Reply } from '../../../src/reply.js';

/** A seeded xorshift so the random cases are reproducible. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

function setup() {
  const sim = new RedSim({ clock: new VirtualClock(1_000_000), seed: 1 });
  const c = sim.connect();
  const send = (...a: (string | Buffer)[]): Reply => {
    const r = c.send(...a);
    if (r instanceof Promise) throw new Error('blocked');
    return r;
  };
  const num = (...a: (string | Buffer)[]): number => {
    const r = send(...a);
    if (r.t !== 'int') throw new Error(`not an int: ${JSON.stringify(r)}`);
    return Number(r.v);
  };
  const bytes = (key: string): Buffer => {
    const r = send('GET', key);
    return r.t === 'bulk' ? Buffer.from(r.v, 'latin1') : Buffer.alloc(0);
  };
  return { sim, c, send, num, bytes };
}

/** Bit i of a buffer, MSB first, 0 past the end. */
const bitAt = (b: Buffer, i: number) => (i >> 3 < b.length ? (b[i >> 3] >> (7 - (i & 7))) & 1 : 0);

describe('SETBIT / GETBIT', () => {
  it('builds the same bytes as setting bits by hand, zero padding as it grows', () => {
    const { send, num, bytes } = setup();
    const r = rng(3);
    const ref = Buffer.alloc(64);
    let maxByte = -1;
    for (let k = 0; k < 500; k++) {
      const off = r(512);
      const v = r(2);
      const old = bitAt(ref, off);
      expect(num('SETBIT', 'b', String(off), String(v))).toBe(old);
      if (v) ref[off >> 3] |= 1 << (7 - (off & 7)); else ref[off >> 3] &= ~(1 << (7 - (off & 7)));
      maxByte = Math.max(maxByte, off >> 3);
    }
    expect(bytes('b')).toEqual(ref.subarray(0, maxByte + 1));
    for (let off = 0; off < 600; off++) expect(num('GETBIT', 'b', String(off))).toBe(bitAt(ref, off));
    expect(send('OBJECT', 'ENCODING', 'b')).toEqual({ t: 'bulk', v: 'raw' });
  });

  it('keeps the TTL and the value object when editing in place', () => {
    const { sim, send, num } = setup();
    send('SET', 'k', 'abc');
    send('PEXPIRE', 'k', '5000');
    const before = sim.dbs[0].data.get('k');
    num('SETBIT', 'k', '100', '1');
    expect(sim.dbs[0].data.get('k')).toBe(before);
    expect(num('PTTL', 'k')).toBe(5000);
    expect(num('STRLEN', 'k')).toBe(13);
  });

  it('rejects offsets whose byte index reaches proto-max-bulk-len', () => {
    const { send } = setup();
    send('CONFIG', 'SET', 'proto-max-bulk-len', '1048576');
    const e = { t: 'error', v: 'ERR bit offset is not an integer or out of range' };
    expect(send('SETBIT', 'k', String(1048576 * 8), '1')).toEqual(e);
    expect(send('BITFIELD', 'k', 'GET', 'u8', '#1048576')).toEqual(e);
    expect(send('SETBIT', 'k', String(1048576 * 8 - 1), '1')).toEqual({ t: 'int', v: 0 });
  });
});

describe('BITCOUNT / BITPOS agree with a bit-by-bit model', () => {
  /** Redis's index normalisation for a range over n units. */
  function norm(s: number, e: number, n: number): [number, number] {
    if (s < 0) s += n;
    if (e < 0) e += n;
    s = Math.max(s, 0); e = Math.max(e, 0);
    if (e >= n) e = n - 1;
    return [s, e];
  }

  it('matches on random strings and ranges', () => {
    const { send, num } = setup();
    const r = rng(11);
    for (let round = 0; round < 40; round++) {
      const len = 1 + r(6);
      const buf = Buffer.alloc(len);
      for (let i = 0; i < len; i++) buf[i] = [0, 0xff, r(256)][r(3)];
      send('SET', 'k', buf);
      const bits = len * 8;
      for (let q = 0; q < 30; q++) {
        const s = r(bits * 2 + 4) - bits - 2;
        const e = r(bits * 2 + 4) - bits - 2;
        // BIT-unit count
        let [a, b] = norm(s, e, bits);
        let want = 0;
        if (!(s < 0 && e < 0 && s > e)) for (let i = a; i <= b; i++) want += bitAt(buf, i);
        expect(num('BITCOUNT', 'k', String(s), String(e), 'BIT')).toBe(want);
        // BITPOS in BIT units with an explicit end: -1 when the bit is not in the range
        for (const bit of [0, 1]) {
          [a, b] = norm(s, e, bits);
          let pos = -1;
          for (let i = a; i <= b; i++) if (bitAt(buf, i) === bit) { pos = i; break; }
          expect(num('BITPOS', 'k', String(bit), String(s), String(e), 'BIT'), `${buf.toString('hex')} ${bit} ${s} ${e}`).toBe(pos);
        }
        // BITPOS in bytes without an end: looking for 0 past the data finds the padding
        const sb = r(len * 2 + 2) - len - 1;
        for (const bit of [0, 1]) {
          const [x, y] = norm(sb, len - 1, len);
          let pos = -1;
          if (x <= y) {
            for (let i = x * 8; i < (y + 1) * 8; i++) if (bitAt(buf, i) === bit) { pos = i; break; }
            if (pos < 0 && bit === 0) pos = (y + 1) * 8;
          }
          expect(num('BITPOS', 'k', String(bit), String(sb))).toBe(pos);
        }
      }
    }
  });
});

describe('BITOP', () => {
  it('combines byte-wise with missing bytes as zero', () => {
    const { send, num, bytes } = setup();
    const r = rng(5);
    for (let round = 0; round < 30; round++) {
      const srcs = Array.from({ length: 1 + r(4) }, () => Buffer.from(Array.from({ length: r(40) }, () => r(256))));
      srcs.forEach((b, i) => (b.length ? send('SET', `s${i}`, b) : send('DEL', `s${i}`)));
      const keys = srcs.map((_, i) => `s${i}`);
      const max = Math.max(...srcs.map((b) => b.length));
      for (const op of ['AND', 'OR', 'XOR'] as const) {
        const want = Buffer.alloc(max);
        for (let i = 0; i < max; i++) {
          let v = i < srcs[0].length ? srcs[0][i] : 0;
          for (const b of srcs.slice(1)) {
            const x = i < b.length ? b[i] : 0;
            v = op === 'AND' ? v & x : op === 'OR' ? v | x : v ^ x;
          }
          want[i] = v;
        }
        expect(num('BITOP', op, 'd', ...keys)).toBe(max);
        expect(bytes('d')).toEqual(want);
        expect(num('EXISTS', 'd')).toBe(max ? 1 : 0);
      }
      expect(num('BITOP', 'NOT', 'd', 's0')).toBe(srcs[0].length);
      expect(bytes('d')).toEqual(Buffer.from(srcs[0].map((x) => ~x & 0xff)));
    }
  });
});

describe('BITFIELD', () => {
  it('reads back what it writes for every width, signed and unsigned', () => {
    const { send } = setup();
    const r = rng(9);
    for (let bits = 1; bits <= 64; bits++) {
      for (const signed of bits === 64 ? [true] : [true, false]) {
        const type = `${signed ? 'i' : 'u'}${bits}`;
        const off = r(100);
        let v = 0n;
        for (let i = 0; i < bits; i++) v = (v << 1n) | BigInt(r(2));
        const want = signed ? BigInt.asIntN(bits, v) : v;
        send('SET', 'k', Buffer.alloc(20, 0xa5));
        send('BITFIELD', 'k', 'SET', type, String(off), String(want));
        const got = send('BITFIELD', 'k', 'GET', type, String(off));
        expect(got.t === 'array' && BigInt((got.v[0] as { v: number | bigint }).v)).toBe(want);
        // bits outside the field are untouched
        const b = Buffer.from((send('GET', 'k') as { v: string }).v, 'latin1');
        for (let i = 0; i < 160; i++) if (i < off || i >= off + bits) expect(bitAt(b, i)).toBe(bitAt(Buffer.alloc(20, 0xa5), i));
      }
    }
  });

  it('SAT and FAIL agree with clamping arithmetic; WRAP with modular arithmetic', () => {
    const { send } = setup();
    const r = rng(21);
    const one = (x: Reply) => (x.t === 'array' ? x.v[0] : x);
    for (let k = 0; k < 300; k++) {
      const bits = 1 + r(63);
      const signed = r(2) === 1;
      const type = `${signed ? 'i' : 'u'}${bits}`;
      const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
      const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
      const start = lo + BigInt(r(1000)) % (hi - lo + 1n);
      const incr = BigInt(r(2000)) - 1000n << BigInt(r(Math.max(1, bits - 8)));
      const sum = start + incr;
      for (const ow of ['WRAP', 'SAT', 'FAIL']) {
        send('DEL', 'k');
        send('BITFIELD', 'k', 'SET', type, '3', String(start));
        const got = one(send('BITFIELD', 'k', 'OVERFLOW', ow, 'INCRBY', type, '3', String(incr)));
        const inRange = sum >= lo && sum <= hi;
        let want: bigint | null;
        if (inRange) want = sum;
        else if (ow === 'FAIL') want = null;
        else if (ow === 'SAT') want = sum > hi ? hi : lo;
        else want = signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
        if (want === null) expect(got).toEqual({ t: 'nil' });
        else expect(BigInt((got as { v: number | bigint }).v)).toBe(want);
      }
    }
  });

  it('creates the key without signalling WATCH when every write fails', () => {
    const { sim } = setup();
    const a = sim.connect();
    const b = sim.connect();
    a.callSync('WATCH', 'k');
    expect(b.callSync('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '10')).toEqual([null]);
    expect(b.callSync('EXISTS', 'k')).toBe(1);
    a.callSync('MULTI');
    a.callSync('PING');
    expect(a.callSync('EXEC')).toEqual(['PONG']);
    a.callSync('WATCH', 'k');
    b.callSync('BITFIELD', 'k', 'SET', 'u2', '0', '1');
    a.callSync('MULTI');
    expect(a.callSync('EXEC')).toBe(null);
  });
});
