/** XACK, XPENDING, XCLAIM, XAUTOCLAIM: the pending entries lists of consumer groups. */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { array, bulk, E, err, int, NIL, NILARRAY, type Reply, ZERO, EMPTY_ARRAY } from '../../reply.js';
import { ID_MAX, type StreamConsumer, type StreamID, type StreamNack } from '../../types/stream.js';
import { entryReply, idOrErr, idReply, intervalOrErr, isReply, noGroupErr, parseLL, parseStreamId } from './common.js';
import { lookupOrCreateConsumer, mstime } from './deliver.js';

const LLONG_MAX = (1n << 63n) - 1n;

function xack(ctx: Ctx, argv: string[]): Reply {
  const o = ctx.db.lookupRead(argv[1]);
  if (o && o.type !== 'stream') return err(E.WRONGTYPE);
  const g = o?.type === 'stream' ? o.v.group(argv[2]) : undefined;
  if (!g) return ZERO;
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = idOrErr(argv[j], 0n, true);
    if (isReply(id)) return id;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (!nack) continue;
    g.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
  }
  return int(acked);
}

function xpending(ctx: Ctx, argv: string[]): Reply {
  const justinfo = argv.length === 3;
  const key = argv[1], groupName = argv[2];
  let start = 0n, end = 0n, count = 0n, minidle = 0n;
  let consumerName: string | null = null;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) return err(E.SYNTAX);
  if (argv.length >= 6) {
    let si = 3;
    if (argv[3].toLowerCase() === 'idle') {
      const n = parseLL(argv[4]);
      if (n === null) return err(E.NOT_INT);
      minidle = n;
      if (argv.length < 8) return err(E.SYNTAX);
      si += 2;
    }
    const c = parseLL(argv[si + 2]);
    if (c === null) return err(E.NOT_INT);
    count = c < 0n ? 0n : c;
    const st = intervalOrErr(argv[si], 0n);
    if (isReply(st)) return st;
    start = st.id;
    if (st.ex) {
      if (start === ID_MAX) return err('ERR invalid start ID for the interval');
      start++;
    }
    const en = intervalOrErr(argv[si + 1], (1n << 64n) - 1n);
    if (isReply(en)) return en;
    end = en.id;
    if (en.ex) {
      if (end === 0n) return err('ERR invalid end ID for the interval');
      end--;
    }
    if (si + 3 < argv.length) consumerName = argv[si + 3];
  }
  const o = ctx.db.lookupRead(key);
  if (o && o.type !== 'stream') return err(E.WRONGTYPE);
  const g = o?.type === 'stream' ? o.v.group(groupName) : undefined;
  if (!g) return noGroupErr(key, groupName);

  if (justinfo) {
    if (g.pel.size === 0) return array([ZERO, NIL, NIL, NILARRAY]);
    const cons: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      if (c.pel.size === 0) continue;
      cons.push(array([bulk(c.name), bulk(String(c.pel.size))]));
    }
    return array([int(g.pel.size), idReply(g.pel.first()!), idReply(g.pel.last()!), array(cons)]);
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.consumers.get(consumerName);
    if (!c) return EMPTY_ARRAY;
    pel = c.pel;
  }
  const now = mstime(ctx);
  const out: Reply[] = [];
  for (let i = pel.seek(start); count && i < pel.size; i++) {
    const id = pel.keyAt(i);
    if (id > end) break;
    const nack = pel.get(id)!;
    if (minidle && BigInt(now - nack.deliveryTime) < minidle) continue;
    count--;
    const elapsed = Math.max(0, now - nack.deliveryTime);
    out.push(array([idReply(id), bulk(nack.consumer!.name), int(elapsed), int(nack.deliveryCount)]));
  }
  return array(out);
}

/** Move a pending entry to `consumer` (shared by XCLAIM and XAUTOCLAIM). */
function takeOver(id: StreamID, nack: StreamNack, consumer: StreamConsumer): void {
  if (nack.consumer !== consumer) {
    nack.consumer?.pel.delete(id);
    consumer.pel.set(id, nack);
    nack.consumer = consumer;
  }
}

function xclaim(ctx: Ctx, argv: string[]): Reply {
  const o = ctx.db.lookupRead(argv[1]);
  if (o && o.type !== 'stream') return err(E.WRONGTYPE);
  const s = o?.type === 'stream' ? o.v : undefined;
  const g = s?.group(argv[2]);
  if (!s || !g) return noGroupErr(argv[1], argv[2]);
  const mi = parseLL(argv[4]);
  if (mi === null) return err('ERR Invalid min-idle-time argument for XCLAIM');
  const minidle = mi < 0n ? 0n : mi;
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseStreamId(argv[j], 0n, true);
    if (!p) break;
    ids.push(p.id);
  }
  const now = mstime(ctx);
  let deliverytime = -1n;
  let retrycount = -1n;
  let force = false, justid = false;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'force') force = true;
    else if (opt === 'justid') justid = true;
    else if (opt === 'idle' && more) {
      j++;
      const n = parseLL(argv[j]);
      if (n === null) return err('ERR Invalid IDLE option argument for XCLAIM');
      deliverytime = BigInt(now) - n;
    } else if (opt === 'time' && more) {
      j++;
      const n = parseLL(argv[j]);
      if (n === null) return err('ERR Invalid TIME option argument for XCLAIM');
      deliverytime = n;
    } else if (opt === 'retrycount' && more) {
      j++;
      const n = parseLL(argv[j]);
      if (n === null) return err('ERR Invalid RETRYCOUNT option argument for XCLAIM');
      retrycount = n;
    } else if (opt === 'lastid' && more) {
      j++;
      const r = idOrErr(argv[j], 0n, true);
      if (isReply(r)) return r;
      lastId = r;
    } else return err(`ERR Unrecognized XCLAIM option '${argv[j].replace(/[\r\n]/g, ' ').split('\0')[0]}'`);
  }
  if (lastId > g.lastId) g.lastId = lastId;
  // A bogus delivery time (negative or in the future) becomes now.
  const dt = deliverytime !== -1n ? (deliverytime < 0n || deliverytime > BigInt(now) ? now : Number(deliverytime)) : now;
  let consumer: StreamConsumer | undefined;
  const out: Reply[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    const entry = s.get(id);
    if (!entry) {
      // The entry is gone: drop it from the PEL.
      if (nack) {
        g.pel.delete(id);
        nack.consumer?.pel.delete(id);
      }
      continue;
    }
    if (force && !nack) {
      nack = { deliveryTime: now, deliveryCount: 1n, consumer: null };
      g.pel.set(id, nack);
    }
    if (!nack) continue;
    if (nack.consumer && minidle && BigInt(now - nack.deliveryTime) < minidle) continue;
    if (!consumer) consumer = lookupOrCreateConsumer(ctx, g, argv[3], argv[1]).c;
    if (nack.consumer !== consumer && nack.consumer) nack.consumer.pel.delete(id);
    nack.deliveryTime = dt;
    if (retrycount >= 0n) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    out.push(justid ? idReply(id) : entryReply(entry));
  }
  return array(out);
}

function xautoclaim(ctx: Ctx, argv: string[]): Reply {
  const mi = parseLL(argv[4]);
  if (mi === null) return err('ERR Invalid min-idle-time argument for XAUTOCLAIM');
  const minidle = mi < 0n ? 0n : mi;
  const st = intervalOrErr(argv[5], 0n);
  if (isReply(st)) return st;
  let start = st.id;
  if (st.ex) {
    if (start === ID_MAX) return err('ERR invalid start ID for the interval');
    start++;
  }
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'count' && more) {
      // LONG_MAX / max(sizeof(streamID), attempts factor 10) = LONG_MAX / 16.
      const n = parseLL(argv[j + 1]);
      if (n === null || n < 1n || n > LLONG_MAX / 16n) return err('ERR COUNT must be > 0');
      count = Number(n);
      j++;
    } else if (opt === 'justid') justid = true;
    else return err(E.SYNTAX);
  }
  const o = ctx.db.lookupRead(argv[1]);
  if (o && o.type !== 'stream') return err(E.WRONGTYPE);
  const s = o?.type === 'stream' ? o.v : undefined;
  const g = s?.group(argv[2]);
  if (!s || !g) return noGroupErr(argv[1], argv[2]);
  if (count > 2 ** 40) return err('ERR Insufficient memory, failed allocating transient memory, COUNT too high.');
  let attempts = count * 10;
  const now = mstime(ctx);
  let consumer: StreamConsumer | undefined;
  const out: Reply[] = [];
  const deleted: Reply[] = [];
  let i = g.pel.seek(start);
  while (attempts-- && count && i < g.pel.size) {
    const id = g.pel.keyAt(i);
    const nack = g.pel.get(id)!;
    const entry = s.get(id);
    if (!entry) {
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      deleted.push(idReply(id));
      count--;
      continue; // the next key slid into position i
    }
    i++;
    if (minidle && BigInt(now - nack.deliveryTime) < minidle) continue;
    if (!consumer) consumer = lookupOrCreateConsumer(ctx, g, argv[3], argv[1]).c;
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    takeOver(id, nack, consumer);
    out.push(justid ? idReply(id) : entryReply(entry));
    count--;
  }
  const next = i < g.pel.size ? g.pel.keyAt(i) : 0n;
  return array([idReply(next), array(out), array(deleted)]);
}

registerAll({ xack, xpending, xclaim, xautoclaim });
