/** XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS (xinfoCommand). */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { array, bulk, E, err, int, map, NIL, type Reply } from '../../reply.js';
import { ID_MAX, INVALID_ENTRIES_READ, type Stream, type StreamGroup } from '../../types/stream.js';
import { entryReply, fmt, idReply, isReply, parseLL, subcommandSyntaxError } from './common.js';
import { mstime } from './deliver.js';

const kv = (k: string, v: Reply): [Reply, Reply] => [bulk(k), v];

function streamOf(ctx: Ctx, key: string): Stream | Reply {
  const o = ctx.db.lookupRead(key);
  if (!o) return err(E.NO_KEY);
  if (o.type !== 'stream') return err(E.WRONGTYPE);
  return o.v;
}

function lagReply(s: Stream, g: StreamGroup): Reply {
  const l = s.lag(g);
  return l === null ? NIL : int(l);
}

function entriesReadReply(g: StreamGroup): Reply {
  return g.entriesRead !== INVALID_ENTRIES_READ ? int(g.entriesRead) : NIL;
}

function streamInfo(ctx: Ctx, argv: string[]): Reply {
  // The key is looked up before the options are checked.
  const s = streamOf(ctx, argv[2]);
  if (isReply(s)) return s;
  const optc = argv.length - 3;
  let full = false;
  let count = 10n;
  if (optc !== 0) {
    if (optc !== 1 && optc !== 3) return subcommandSyntaxError(argv);
    if (argv[3].toLowerCase() !== 'full') return subcommandSyntaxError(argv);
    full = true;
    if (optc === 3) {
      if (argv[4].toLowerCase() !== 'count') return subcommandSyntaxError(argv);
      const n = parseLL(argv[5]);
      if (n === null) return err(E.NOT_INT);
      count = n < 0n ? 10n : n;
    }
  }
  return full ? streamInfoFull(ctx, s, Number(count)) : streamInfoBrief(s);
}

function header(s: Stream): Array<[Reply, Reply]> {
  return [
    kv('length', int(s.length)),
    kv('radix-tree-keys', int(s.nodes.length)),
    kv('radix-tree-nodes', int(s.raxNodes())),
    kv('last-generated-id', idReply(s.lastId)),
    kv('max-deleted-entry-id', idReply(s.maxDeletedId)),
    kv('entries-added', int(s.entriesAdded)),
    kv('recorded-first-entry-id', idReply(s.firstId)),
  ];
}

function streamInfoBrief(s: Stream): Reply {
  const first = s.range(0n, ID_MAX).next();
  const last = s.range(0n, ID_MAX, true).next();
  return map([
    ...header(s),
    kv('groups', int(s.groups ? s.groups.size : 0)),
    kv('first-entry', first.done ? NIL : entryReply(first.value)),
    kv('last-entry', last.done ? NIL : entryReply(last.value)),
  ]);
}

function streamInfoFull(ctx: Ctx, s: Stream, count: number): Reply {
  void ctx;
  const entries: Reply[] = [];
  for (const e of s.range(0n, ID_MAX)) {
    entries.push(entryReply(e));
    if (count && entries.length === count) break;
  }
  const groups: Reply[] = [];
  for (const g of s.sortedGroups()) {
    const pending: Reply[] = [];
    for (const [id, nack] of g.pel.entries()) {
      if (count && pending.length >= count) break;
      pending.push(array([idReply(id), bulk(nack.consumer!.name), int(nack.deliveryTime), int(nack.deliveryCount)]));
    }
    const consumers: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      const cp: Reply[] = [];
      for (const [id, nack] of c.pel.entries()) {
        if (count && cp.length >= count) break;
        cp.push(array([idReply(id), int(nack.deliveryTime), int(nack.deliveryCount)]));
      }
      consumers.push(map([
        kv('name', bulk(c.name)),
        kv('seen-time', int(c.seenTime)),
        kv('pel-count', int(c.pel.size)),
        kv('pending', array(cp)),
      ]));
    }
    groups.push(map([
      kv('name', bulk(g.name)),
      kv('last-delivered-id', idReply(g.lastId)),
      kv('entries-read', entriesReadReply(g)),
      kv('lag', lagReply(s, g)),
      kv('pel-count', int(g.pel.size)),
      kv('pending', array(pending)),
      kv('consumers', array(consumers)),
    ]));
  }
  return map([...header(s), kv('entries', array(entries)), kv('groups', array(groups))]);
}

registerAll({
  'xinfo|stream': streamInfo,

  'xinfo|groups'(ctx, argv) {
    const s = streamOf(ctx, argv[2]);
    if (isReply(s)) return s;
    return array(s.sortedGroups().map((g) => map([
      kv('name', bulk(g.name)),
      kv('consumers', int(g.consumers.size)),
      kv('pending', int(g.pel.size)),
      kv('last-delivered-id', idReply(g.lastId)),
      kv('entries-read', entriesReadReply(g)),
      kv('lag', lagReply(s, g)),
    ])));
  },

  'xinfo|consumers'(ctx, argv) {
    const s = streamOf(ctx, argv[2]);
    if (isReply(s)) return s;
    const g = s.group(argv[3]);
    if (!g) return err(`NOGROUP No such consumer group '${fmt(argv[3])}' for key name '${fmt(argv[2])}'`);
    const now = mstime(ctx);
    return array(g.sortedConsumers().map((c) => map([
      kv('name', bulk(c.name)),
      kv('pending', int(c.pel.size)),
      kv('idle', int(Math.max(0, now - c.seenTime))),
    ])));
  },
});
