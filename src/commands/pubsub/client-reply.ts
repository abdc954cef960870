/**
 * CLIENT REPLY ON|OFF|SKIP. The flags live on the Client; RedSim.execute drops the
 * replies they silence (pushes still go out: Redis sets CLIENT_PUSHING for them).
 */
import { registerAll } from '../registry.js';
import { OK, err, seq, E, type Reply } from '../../reply.js';
import type { Client } from '../../client.js';

registerAll({
  'client|reply'(ctx, argv) {
    if (argv.length !== 3) return err(E.SYNTAX);
    const c = ctx.client;
    const mode = argv[2].toLowerCase();
    if (mode === 'on') { c.replyOff = false; c.replySkip = false; c.replySkipNext = false; return OK; }
    if (mode === 'off') { c.replyOff = true; return seq([]); }
    if (mode === 'skip') { if (!c.replyOff) c.replySkipNext = true; return seq([]); }
    return err(E.SYNTAX);
  },
});

/** What a silenced client still receives of a reply: only its push frames. */
export function silence(r: Reply): Reply {
  if (r.t === 'push') return r;
  if (r.t === 'seq') {
    const kept = r.v.filter((x, i) => x.t === 'push' || (r.pushTail === true && i > 0));
    return kept.length === r.v.length ? r : seq(kept);
  }
  return seq([]);
}

/** resetClient's flag step after each command: SKIP applies to the next command only. */
export function applyReplyMode(c: Client, r: Reply, skipping: boolean): Reply {
  return c.replyOff || skipping ? silence(r) : r;
}
