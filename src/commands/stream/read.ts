/**
 * XREAD and XREADGROUP (xreadCommand), including BLOCK: served at once when some
 * stream has entries past the requested id, else the client blocks
 * (src/blocking.ts) until an XADD, a group destroyed, or the key deleted
 * (XREADGROUP only, with 7.0's errors). Inside MULTI the block turns into a null
 * reply; from scripts BLOCK is an error.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { array, bulk, E, err, map, NILARRAY, type Reply } from '../../reply.js';
import { ID_MAX, type Stream, type StreamGroup, type StreamID } from '../../types/stream.js';
import { fmt, parseLL, parseStreamId, INVALID_ID } from './common.js';
import { historyReply, lookupOrCreateConsumer, rangeReply } from './deliver.js';

/** Count used when a blocked reader is served and gave no COUNT (XREAD_BLOCKED_DEFAULT_COUNT). */
const BLOCKED_DEFAULT_COUNT = 1000;

function keyedReply(ctx: Ctx, pairs: Array<[string, Reply[]]>): Reply {
  if (ctx.client.resp === 2) return array(pairs.map(([k, v]) => array([bulk(k), array(v)])));
  return map(pairs.map(([k, v]) => [bulk(k), array(v)]));
}

function xread(ctx: Ctx, argv: string[]): Reply | Promise<Reply> {
  const xreadgroup = argv[0].length === 10;
  let timeout = -1;
  let count = 0;
  let streamsArg = 0, streamsCount = 0;
  let noack = false;
  let groupName: string | null = null, consumerName = '';
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toLowerCase();
    if (o === 'block' && more) {
      if (ctx.inScript) return err(`ERR ${fmt(argv[0])} command is not allowed with BLOCK option from scripts`);
      i++;
      const t = parseLL(argv[i]);
      if (t === null) return err('ERR timeout is not an integer or out of range');
      if (t < 0n) return err('ERR timeout is negative');
      timeout = t > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(t);
    } else if (o === 'count' && more) {
      i++;
      const n = parseLL(argv[i]);
      if (n === null) return err(E.NOT_INT);
      count = n < 0n ? 0 : n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
    } else if (o === 'streams' && more) {
      streamsArg = i + 1;
      streamsCount = argv.length - streamsArg;
      if (streamsCount % 2 !== 0) {
        return err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      streamsCount /= 2;
      break;
    } else if (o === 'group' && more >= 2) {
      if (!xreadgroup) return err('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      groupName = argv[i + 1];
      consumerName = argv[i + 2];
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) return err('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      noack = true;
    } else return err(E.SYNTAX);
  }
  if (streamsArg === 0) return err(E.SYNTAX);
  if (xreadgroup && groupName === null) return err('ERR Missing GROUP option for XREADGROUP');

  const keys = argv.slice(streamsArg, streamsArg + streamsCount);
  const ids: StreamID[] = [];
  const groups: StreamGroup[] = [];
  for (let n = 0; n < streamsCount; n++) {
    const key = keys[n];
    const arg = argv[streamsArg + streamsCount + n];
    const o = ctx.db.lookupRead(key);
    if (o && o.type !== 'stream') return err(E.WRONGTYPE);
    const s = o?.type === 'stream' ? o.v : undefined;
    if (groupName !== null) {
      const g = s?.group(groupName);
      if (!g) {
        return err(`NOGROUP No such key '${fmt(key)}' or consumer group '${fmt(groupName)}' in XREADGROUP with GROUP option`);
      }
      groups.push(g);
    }
    if (arg === '$') {
      if (xreadgroup) {
        return err('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
      }
      ids.push(s ? s.lastId : 0n);
      continue;
    }
    if (arg === '>') {
      if (!xreadgroup) return err('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      ids.push(ID_MAX);
      continue;
    }
    const p = parseStreamId(arg, 0n, true);
    if (!p) return err(INVALID_ID);
    ids.push(p.id);
  }

  // Serve synchronously whatever can be served.
  const served: Array<[string, Reply[]]> = [];
  for (let n = 0; n < streamsCount; n++) {
    const o = ctx.db.lookupRead(keys[n]);
    if (!o || o.type !== 'stream') continue;
    const s = o.v;
    let gt = ids[n];
    let serve = false, history = false;
    if (groupName !== null) {
      if (gt !== ID_MAX) { serve = true; history = true; } else if (s.length) {
        const last = groups[n].lastId;
        if (s.lastValidId() > last) { serve = true; gt = last; }
      }
    } else if (s.length && s.lastValidId() > gt) serve = true;
    if (!serve) continue;
    const start = gt === ID_MAX ? 0n : gt + 1n;
    if (groupName !== null) {
      const g = groups[n];
      const { c } = lookupOrCreateConsumer(ctx, g, consumerName, keys[n]);
      const entries = history ? historyReply(ctx, s, start, count, c) : rangeReply(ctx, s, start, ID_MAX, count, false, g, c, noack);
      served.push([keys[n], entries]);
    } else served.push([keys[n], rangeReply(ctx, s, start, ID_MAX, count, false)]);
  }
  if (served.length) return keyedReply(ctx, served);

  if (timeout === -1) return NILARRAY;
  if (ctx.denyBlocking) return NILARRAY;
  const readCount = count || BLOCKED_DEFAULT_COUNT;
  const group = groupName;
  return ctx.server.blocking.block(ctx.client, ctx.db, {
    keys,
    timeoutMs: timeout,
    tryServe(key) {
      const o = ctx.db.peek(key);
      if (!o || o.type !== 'stream') return undefined;
      const s: Stream = o.v;
      const n = keys.indexOf(key);
      let g: StreamGroup | undefined;
      if (group !== null) {
        g = s.group(group);
        if (!g) return err('NOGROUP the consumer group this client was blocked on no longer exists');
        ids[n] = g.lastId;
      }
      const gt = ids[n];
      if (!(s.lastId > gt)) return undefined;
      const start = gt + 1n;
      let entries: Reply[];
      if (g) {
        const { c } = lookupOrCreateConsumer(ctx, g, consumerName, key);
        entries = rangeReply(ctx, s, start, ID_MAX, readCount, false, g, c, noack);
      } else entries = rangeReply(ctx, s, start, ID_MAX, readCount, false);
      return keyedReply(ctx, [[key, entries]]);
    },
    onTimeout: () => NILARRAY,
    ...(group !== null ? { onKeyLost: () => err('UNBLOCKED the stream key no longer exists') } : {}),
  });
}

registerAll({ xread, xreadgroup: xread });
