/**
 * DEBUG DIGEST / DIGEST-VALUE with Redis's algorithm (debug.c), so a redsim keyspace
 * and a real one holding the same data have the same digest: per key, SHA1 mixes
 * of the key, the type, the elements (XORed for unordered collections, chained for
 * lists and streams) and an "!!expire!!" marker; per database its id; all XORed.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../keyspace/db.js';
import type { RValue } from '../../keyspace/values.js';
import { formatG } from '../../util/float.js';
import { ID_MAX } from '../../types/stream.js';

const TYPE_NUM: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

function sha1(data: Buffer): Buffer { return createHash('sha1').update(data).digest(); }
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function xorDigest(d: Buffer, data: Buffer): void {
  const h = sha1(data);
  for (let j = 0; j < 20; j++) d[j] ^= h[j];
}
function mixDigest(d: Buffer, data: Buffer): void {
  xorDigest(d, data);
  sha1(d).copy(d);
}
const mixStr = (d: Buffer, s: string) => mixDigest(d, bytes(s));

function u32be(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; }

/** xorObjectDigest. */
export function objectDigest(db: Database, key: string, o: RValue, d: Buffer): void {
  mixDigest(d, u32be(TYPE_NUM[o.type] ?? 0));
  switch (o.type) {
    case 'string': mixStr(d, o.v); break;
    case 'list': for (const e of o.v) mixStr(d, e); break;
    case 'set': for (const m of o.v) xorDigest(d, bytes(m)); break;
    case 'zset':
      for (let n = o.v.first(); n; n = n.next[0]) {
        const e = Buffer.alloc(20);
        mixStr(e, n.member);
        mixStr(e, formatG(n.score, 17));
        xorDigest(d, e);
      }
      break;
    case 'hash':
      for (const [f, v] of o.v) {
        const e = Buffer.alloc(20);
        mixStr(e, f);
        mixStr(e, v);
        xorDigest(d, e);
      }
      break;
    case 'stream':
      for (const ent of o.v.range(0n, ID_MAX)) {
        mixStr(d, `${ent.id >> 64n}.${ent.id & ((1n << 64n) - 1n)}`);
        for (const x of ent.fv) mixStr(d, x);
      }
      break;
  }
  if (db.expires.has(key)) xorDigest(d, bytes('!!expire!!'));
}

const hex = (d: Buffer) => d.toString('hex');

/** computeDatasetDigest. */
export function datasetDigest(dbs: Database[]): string {
  const final = Buffer.alloc(20);
  for (const db of dbs) {
    if (db.data.size === 0) continue;
    mixDigest(final, u32be(db.id));
    for (const [key, o] of db.data) {
      const d = Buffer.alloc(20);
      mixStr(d, key);
      objectDigest(db, key, o, d);
      xorDigest(final, d);
    }
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE for one key (zeros when missing); logically expired keys still count. */
export function valueDigest(db: Database, key: string): string {
  const d = Buffer.alloc(20);
  const o = db.data.get(key);
  if (o) objectDigest(db, key, o, d);
  return hex(d);
}
