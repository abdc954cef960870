/**
 * XADD, XTRIM, XDEL (t_stream.c): appending with every id form, trimming by
 * MAXLEN/MINID (exact or `~` by whole nodes, LIMIT), deleting entries.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { err, E, int, NIL, type Reply, ZERO } from '../../reply.js';
import { makeId, idMs, idSeq, ID_MAX, U64, type StreamID, type TrimArgs } from '../../types/stream.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';
import { idOrErr, idReply, INVALID_ID, isReply, newStreamValue, parseLL, parseStreamId, streamOrErr } from './common.js';

interface AddTrimArgs extends TrimArgs {
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply: the parsed options and the index of the id (XADD). */
function parseAddOrTrim(ctx: Ctx, argv: string[], xadd: boolean): { a: AddTrimArgs; idpos: number } | Reply {
  const a: AddTrimArgs = {
    strategy: 'none', approx: false, limit: 0, maxlen: 0n, minid: 0n,
    id: 0n, idGiven: false, seqGiven: true, noMkstream: false,
  };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    const lc = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if (lc === 'maxlen' && more) {
      if (a.strategy !== 'none') return err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      a.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') { a.approx = true; i++; } else if (more >= 2 && next === '=') i++;
      const n = parseLL(argv[i + 1]);
      if (n === null) return err(E.NOT_INT);
      if (n < 0n) return err('ERR The MAXLEN argument must be >= 0.');
      a.maxlen = n;
      i++;
      a.strategy = 'maxlen';
    } else if (lc === 'minid' && more) {
      if (a.strategy !== 'none') return err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      a.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') { a.approx = true; i++; } else if (more >= 2 && next === '=') i++;
      const id = idOrErr(argv[i + 1], 0n, true);
      if (isReply(id)) return id;
      a.minid = id;
      i++;
      a.strategy = 'minid';
    } else if (lc === 'limit' && more) {
      const n = parseLL(argv[i + 1]);
      if (n === null) return err(E.NOT_INT);
      if (n < 0n) return err('ERR The LIMIT argument must be >= 0.');
      a.limit = n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
      limitGiven = true;
      i++;
    } else if (xadd && lc === 'nomkstream') {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, 0n, true, true);
      if (!p) return err(INVALID_ID);
      a.id = p.id;
      a.seqGiven = p.seqGiven;
      a.idGiven = true;
      break;
    } else return err(E.SYNTAX);
  }
  if (a.limit && a.strategy === 'none') return err('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && a.strategy === 'none') return err('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (ctx.client.mustObey) {
    // From the AOF: the trim argument was rewritten to an exact one, no LIMIT applies.
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) return err('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else if (a.approx) {
    // At most 100 nodes of work per call unless LIMIT says otherwise.
    let l = 100 * ctx.server.config.getNumber('stream-node-max-entries');
    if (l <= 0) l = 10000;
    if (l > 1000000) l = 1000000;
    a.limit = l;
  } else a.limit = 0;
  return { a, idpos: i };
}

export function streamLimits(ctx: Ctx): { maxBytes: number; maxEntries: number } {
  return {
    maxBytes: ctx.server.config.getNumber('stream-node-max-bytes'),
    maxEntries: ctx.server.config.getNumber('stream-node-max-entries'),
  };
}

function xadd(ctx: Ctx, argv: string[]): Reply {
  const p = parseAddOrTrim(ctx, argv, true);
  if (isReply(p)) return p;
  const { a, idpos } = p;
  const fieldPos = idpos + 1;
  const nargs = argv.length - fieldPos;
  if (nargs < 2 || nargs % 2 === 1) return err("ERR wrong number of arguments for 'xadd' command");
  if (a.idGiven && a.seqGiven && a.id === 0n) return err('ERR The ID specified in XADD must be greater than 0-0');

  const key = argv[1];
  const o = streamOrErr(ctx.db.lookupWrite(key));
  if (isReply(o)) return o;
  let sv = o;
  let created = false;
  if (!sv) {
    if (a.noMkstream) return NIL;
    sv = newStreamValue();
    created = true;
  }
  const s = sv.v;
  if (s.lastId === ID_MAX) return err('ERR The stream has exhausted the last possible ID, unable to add more items');

  // streamAppendItem's id choice.
  let id: StreamID;
  if (a.idGiven) {
    if (a.seqGiven) id = a.id;
    else if (idMs(s.lastId) === idMs(a.id)) {
      if (idSeq(s.lastId) === U64) return err('ERR Elements are too large to be stored');
      id = s.lastId + 1n;
    } else id = a.id;
  } else {
    const ms = BigInt(Math.floor(ctx.server.clock.now()));
    // The clock went back (or many adds in one ms): keep the last ms, next sequence.
    id = ms > idMs(s.lastId) ? makeId(ms, 0n) : s.lastId === ID_MAX ? 0n : s.lastId + 1n;
  }
  if (id <= s.lastId) return err('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  const fv = argv.slice(fieldPos);
  if (created) ctx.db.add(key, sv);
  if (!s.append(id, fv, streamLimits(ctx))) {
    // Nothing was appended: Redis leaves the new empty stream behind too.
    return err('ERR Elements are too large to be stored');
  }
  const reply = idReply(id);
  ctx.db.touch(key);
  notify(ctx, NOTIFY.STREAM, 'xadd', key);
  if (a.strategy !== 'none' && s.trim(a)) notify(ctx, NOTIFY.STREAM, 'xtrim', key);
  ctx.server.blocking.signalReady(ctx.db, key);
  return reply;
}

function xtrim(ctx: Ctx, argv: string[]): Reply {
  const p = parseAddOrTrim(ctx, argv, false);
  if (isReply(p)) return p;
  const o = streamOrErr(ctx.db.lookupWrite(argv[1]));
  if (isReply(o)) return o;
  if (!o) return ZERO;
  const deleted = o.v.trim(p.a);
  if (deleted) {
    notify(ctx, NOTIFY.STREAM, 'xtrim', argv[1]);
    ctx.db.touch(argv[1]);
  }
  return int(deleted);
}

function xdel(ctx: Ctx, argv: string[]): Reply {
  const o = streamOrErr(ctx.db.lookupWrite(argv[1]));
  if (isReply(o)) return o;
  if (!o) return ZERO;
  const s = o.v;
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = idOrErr(argv[j], 0n, true);
    if (isReply(id)) return id;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.delete(id)) {
      if (id === s.firstId) firstEntry = true;
      if (id > s.maxDeletedId) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = 0n;
    else if (firstEntry) s.firstId = s.edgeId(true, true);
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.STREAM, 'xdel', argv[1]);
  }
  return int(deleted);
}

registerAll({ xadd, xtrim, xdel });
