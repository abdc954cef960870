/** DUMP / RESTORE (cluster.c): RDB-serialized values with version and CRC64 footer. */
import { lfuInit } from '../../keyspace/lfu.js';
import { registerAll } from '../registry.js';
import { OK, NIL, bulk, err, E } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { dumpPayload, loadObject, crc64, RDB_VERSION } from './rdb.js';
import { setExpireExact } from './expire.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

registerAll({
  dump(ctx, argv) {
    const v = ctx.db.lookupRead(argv[1]);
    if (!v) return NIL;
    const p = dumpPayload(v, ctx.server.config.getNumber('list-max-listpack-size'));
    if (p === null) return err(`ERR redsim cannot DUMP a value of type ${v.type}`);
    return bulk(p);
  },

  restore(ctx, argv) {
    const key = argv[1];
    let replace = false, absttl = false;
    let idle = -1n, freq = -1n;
    for (let j = 4; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      const more = argv.length - j - 1;
      if (opt === 'replace') replace = true;
      else if (opt === 'absttl') absttl = true;
      else if (opt === 'idletime' && more >= 1 && freq === -1n) {
        const n = parseLongLong(argv[j + 1]);
        if (n === null) return err(E.NOT_INT);
        if (n < 0n) return err('ERR Invalid IDLETIME value, must be >= 0');
        idle = n;
        j++;
      } else if (opt === 'freq' && more >= 1 && idle === -1n) {
        const n = parseLongLong(argv[j + 1]);
        if (n === null) return err(E.NOT_INT);
        if (n < 0n || n > 255n) return err('ERR Invalid FREQ value, must be >= 0 and <= 255');
        freq = n;
        j++;
      } else return err(E.SYNTAX);
    }
    if (!replace && ctx.db.lookupWrite(key)) return err('BUSYKEY Target key name already exists.');
    let ttl = parseLongLong(argv[2]);
    if (ttl === null) return err(E.NOT_INT);
    if (ttl < 0n) return err('ERR Invalid TTL value, must be >= 0');
    const payload = argv[3];
    const bad = err('ERR DUMP payload version or checksum are wrong');
    if (payload.length < 10) return bad;
    const ver = payload.charCodeAt(payload.length - 10) | (payload.charCodeAt(payload.length - 9) << 8);
    if (ver > RDB_VERSION) return bad;
    if (crc64(payload.slice(0, -8)) !== payload.slice(-8)) return bad;
    const cfg = ctx.server.config;
    const v = loadObject(payload, {
      hashEntries: cfg.getNumber('hash-max-listpack-entries'),
      hashValue: cfg.getNumber('hash-max-listpack-value'),
      setIntsetEntries: cfg.getNumber('set-max-intset-entries'),
      zsetEntries: cfg.getNumber('zset-max-listpack-entries'),
      zsetValue: cfg.getNumber('zset-max-listpack-value'),
      // 'clients' sanitizes everything a client sends, and RESTORE always comes from one here
      deep: (cfg.get('sanitize-dump-payload') ?? 'no') !== 'no',
    });
    if (!v) return err('ERR Bad data format');
    let deleted = false;
    if (replace) deleted = ctx.db.delete(key);
    const now = BigInt(ctx.server.now());
    if (ttl && !absttl) ttl += now;
    if (ttl && ttl <= now) {
      // Already expired: the key is not created (a replaced key stays deleted).
      if (deleted) notify(ctx, NOTIFY.GENERIC, 'del', key);
      return OK;
    }
    ctx.db.add(key, v);
    if (ttl) setExpireExact(ctx.db, key, ttl);
    notify(ctx, NOTIFY.GENERIC, 'restore', key);
    // objectSetLRUOrLFU: FREQ under an LFU policy, IDLETIME under the others.
    if ((cfg.get('maxmemory-policy') ?? '').includes('lfu')) {
      if (freq >= 0n) lfuInit(v, ctx.server.now(), Number(freq));
    } else if (idle >= 0n) {
      v.lru = ctx.server.now() - Number(idle) * 1000;
    }
    return OK;
  },
});
