/** PFADD, PFCOUNT, PFMERGE over the exact HLL representation in src/types/hll.ts. */
import { registerAll } from '../registry.js';
import { OK, err, int, E } from '../../reply.js';
import { hllAdd, hllCount, hllMerge, HLL_NOT_STRING, type HllSource } from '../../types/hll.js';
import type { Database } from '../../keyspace/db.js';
import type { StringValue } from '../../keyspace/values.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

function source(db: Database, key: string, write: boolean): HllSource {
  const v = write ? db.lookupWrite(key) : db.lookupRead(key);
  if (!v) return null;
  return v.type === 'string' ? v.v : HLL_NOT_STRING;
}

/** Store an HLL string value in place (keeps the TTL, like Redis's in-place edit) or create the key. */
function store(db: Database, key: string, bytes: string, signal: boolean): void {
  const cur = db.data.get(key);
  if (cur && cur.type === 'string') {
    cur.v = bytes;
    (cur as StringValue).raw = true;
    if (signal) db.touch(key);
  } else {
    db.add(key, { type: 'string', v: bytes, raw: true, lru: 0 });
  }
}

registerAll({
  pfadd(ctx, argv) {
    const key = argv[1];
    const cur = source(ctx.db, key, true);
    if (cur === HLL_NOT_STRING) return err(E.WRONGTYPE);
    const r = hllAdd(cur, argv.slice(2), ctx.server.config.getNumber('hll-sparse-max-bytes'));
    if ('error' in r) {
      if (r.bytes !== undefined) store(ctx.db, key, r.bytes, false);
      return err(r.error);
    }
    if (r.changed) { store(ctx.db, key, r.bytes, true); notify(ctx, NOTIFY.STRING, 'pfadd', key); }
    return int(r.changed ? 1 : 0);
  },
  pfcount(ctx, argv) {
    const keys = argv.slice(1);
    const vals = keys.map((k) => source(ctx.db, k, keys.length === 1));
    const r = hllCount(vals);
    if ('error' in r) return err(r.error);
    if (r.bytes !== undefined) store(ctx.db, keys[0], r.bytes, true);
    return int(r.count);
  },
  pfmerge(ctx, argv) {
    const dest = source(ctx.db, argv[1], true);
    const srcs = argv.slice(2).map((k) => source(ctx.db, k, false));
    const r = hllMerge(dest, srcs, ctx.server.config.getNumber('hll-sparse-max-bytes'));
    if ('error' in r) return err(r.error);
    store(ctx.db, argv[1], r.bytes, true);
    // Redis fires PFADD for PFMERGE (a mass add).
    notify(ctx, NOTIFY.STRING, 'pfadd', argv[1]);
    return OK;
  },
});
