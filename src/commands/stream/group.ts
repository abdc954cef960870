/** XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER and XSETID (xgroupCommand, xsetidCommand). */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { E, err, int, OK, ONE, ZERO, type Reply } from '../../reply.js';
import { INVALID_ENTRIES_READ, type Stream, type StreamGroup, type StreamID } from '../../types/stream.js';
import { fmt, idOrErr, isReply, newStreamValue, parseLL, subcommandSyntaxError } from './common.js';
import { lookupOrCreateConsumer } from './deliver.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

interface GroupCtx { s: Stream | undefined; cg: StreamGroup | undefined; mkstream: boolean; entriesRead: bigint }

/** The checks every XGROUP subcommand with a key goes through, in Redis's order. */
function prepare(ctx: Ctx, argv: string[], sub: string): GroupCtx | Reply {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  const create = sub === 'create', setid = sub === 'setid';
  for (let i = 5; i < argv.length;) {
    const o = argv[i].toLowerCase();
    if (create && o === 'mkstream') { mkstream = true; i++; } else if ((create || setid) && o === 'entriesread' && i + 1 < argv.length) {
      const n = parseLL(argv[i + 1]);
      if (n === null) return err(E.NOT_INT);
      if (n < 0n && n !== INVALID_ENTRIES_READ) return err('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = n;
      i += 2;
    } else return subcommandSyntaxError(argv);
  }
  const o = ctx.db.lookupWrite(argv[2]);
  if (o && o.type !== 'stream') return err(E.WRONGTYPE);
  const s = o?.type === 'stream' ? o.v : undefined;
  let cg: StreamGroup | undefined;
  if (!mkstream) {
    if (!s) {
      return err('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    }
    cg = s.group(argv[3]);
    if (!cg && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      return err(`NOGROUP No such consumer group '${fmt(argv[3])}' for key name '${fmt(argv[2])}'`);
    }
  }
  return { s, cg, mkstream, entriesRead };
}

registerAll({
  'xgroup|create'(ctx, argv) {
    const p = prepare(ctx, argv, 'create');
    if (isReply(p)) return p;
    if (argv.length > 8) return subcommandSyntaxError(argv);
    let s = p.s;
    let id: StreamID;
    if (argv[4] === '$') id = s ? s.lastId : 0n;
    else {
      const r = idOrErr(argv[4], 0n, true);
      if (isReply(r)) return r;
      id = r;
    }
    if (!s) {
      const v = newStreamValue();
      ctx.db.add(argv[2], v);
      s = v.v;
    }
    if (!s.createGroup(argv[3], id, p.entriesRead)) return err('BUSYGROUP Consumer Group name already exists');
    notify(ctx, NOTIFY.STREAM, 'xgroup-create', argv[2]);
    return OK;
  },

  'xgroup|setid'(ctx, argv) {
    const p = prepare(ctx, argv, 'setid');
    if (isReply(p)) return p;
    if (argv.length !== 5 && argv.length !== 7) return subcommandSyntaxError(argv);
    let id: StreamID;
    if (argv[4] === '$') id = p.s!.lastId;
    else {
      const r = idOrErr(argv[4], 0n, false);
      if (isReply(r)) return r;
      id = r;
    }
    p.cg!.lastId = id;
    p.cg!.entriesRead = p.entriesRead;
    notify(ctx, NOTIFY.STREAM, 'xgroup-setid', argv[2]);
    return OK;
  },

  'xgroup|destroy'(ctx, argv) {
    const p = prepare(ctx, argv, 'destroy');
    if (isReply(p)) return p;
    if (!p.cg) return ZERO;
    p.s!.groups!.delete(argv[3]);
    notify(ctx, NOTIFY.STREAM, 'xgroup-destroy', argv[2]);
    // Blocked XREADGROUP clients of this group get NOGROUP.
    ctx.server.blocking.signalReady(ctx.db, argv[2]);
    return ONE;
  },

  'xgroup|createconsumer'(ctx, argv) {
    const p = prepare(ctx, argv, 'createconsumer');
    if (isReply(p)) return p;
    if (p.cg!.consumers.has(argv[4])) return ZERO;
    lookupOrCreateConsumer(ctx, p.cg!, argv[4], argv[2]);
    return ONE;
  },

  'xgroup|delconsumer'(ctx, argv) {
    const p = prepare(ctx, argv, 'delconsumer');
    if (isReply(p)) return p;
    const c = p.cg!.consumers.get(argv[4]);
    if (!c) return ZERO;
    const pending = c.pel.size;
    p.cg!.deleteConsumer(c);
    notify(ctx, NOTIFY.STREAM, 'xgroup-delconsumer', argv[2]);
    return int(pending);
  },

  xsetid(ctx, argv) {
    const idr = idOrErr(argv[2], 0n, true);
    if (isReply(idr)) return idr;
    const id = idr;
    let entriesAdded = -1n;
    let maxXdel = 0n;
    for (let i = 3; i < argv.length;) {
      const more = argv.length - 1 - i;
      const o = argv[i].toLowerCase();
      if (o === 'entriesadded' && more) {
        const n = parseLL(argv[i + 1]);
        if (n === null) return err(E.NOT_INT);
        if (n < 0n) return err('ERR entries_added must be positive');
        entriesAdded = n;
        i += 2;
      } else if (o === 'maxdeletedid' && more) {
        const r = idOrErr(argv[i + 1], 0n, true);
        if (isReply(r)) return r;
        if (id < r) return err('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        maxXdel = r;
        i += 2;
      } else return err(E.SYNTAX);
    }
    const o = ctx.db.lookupWrite(argv[1]);
    if (!o) return err(E.NO_KEY);
    if (o.type !== 'stream') return err(E.WRONGTYPE);
    const s = o.v;
    if (s.length > 0) {
      if (id < s.lastValidId()) return err('ERR The ID specified in XSETID is smaller than the target stream top item');
      if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
        return err('ERR The entries_added specified in XSETID is smaller than the target stream length');
      }
    }
    s.lastId = id;
    if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
    if (maxXdel !== 0n) s.maxDeletedId = maxXdel;
    notify(ctx, NOTIFY.STREAM, 'xsetid', argv[1]);
    return OK;
  },
});
