/**
 * Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
 * The registry and the frames live in src/pubsub/pubsub.ts. Each (un)subscribe
 * frame is a push (Redis sets CLIENT_PUSHING for them: CLIENT REPLY OFF does not
 * silence them); several channels answer several frames back to back (a 'seq').
 */
import { registerAll } from '../registry.js';
import { err, int, array, bulk, seq, bulks, type Reply } from '../../reply.js';
import type { Ctx } from '../../context.js';
import { subcommandSyntaxError } from '../server/debug.js';

/**
 * Channel permission check (ACL `&pattern`): the one place every subscribe and
 * publish path passes before touching the registry. `patterns` is true for
 * PSUBSCRIBE. Returns an error reply to refuse. Replaced by the ACL module.
 */
export const channelAccess: { check: (ctx: Ctx, channels: string[], patterns: boolean) => Reply | null } = {
  check: () => null,
};

function denyBlockingError(name: string): Reply {
  return err(`ERR ${name} isn't allowed for a DENY BLOCKING client`);
}

registerAll({
  subscribe(ctx, argv) {
    // Scripts refuse it by flag; inside EXEC the client is still in MULTI, which Redis allows.
    if (ctx.inScript && !ctx.inExec) return denyBlockingError('SUBSCRIBE');
    const chans = argv.slice(1);
    const denied = channelAccess.check(ctx, chans, false);
    if (denied) return denied;
    const ps = ctx.server.pubsub;
    const frames = chans.map((ch) => ps.subscribe(ctx.client, ch, false));
    ctx.client.pubsubMode = true;
    return seq(frames);
  },
  ssubscribe(ctx, argv) {
    if (ctx.denyBlocking) return denyBlockingError('SSUBSCRIBE');
    const chans = argv.slice(1);
    const denied = channelAccess.check(ctx, chans, false);
    if (denied) return denied;
    const ps = ctx.server.pubsub;
    const frames = chans.map((ch) => ps.subscribe(ctx.client, ch, true));
    ctx.client.pubsubMode = true;
    return seq(frames);
  },
  psubscribe(ctx, argv) {
    if (ctx.inScript && !ctx.inExec) return denyBlockingError('PSUBSCRIBE');
    const pats = argv.slice(1);
    const denied = channelAccess.check(ctx, pats, true);
    if (denied) return denied;
    const ps = ctx.server.pubsub;
    const frames = pats.map((p) => ps.psubscribe(ctx.client, p));
    ctx.client.pubsubMode = true;
    return seq(frames);
  },
  unsubscribe(ctx, argv) {
    const ps = ctx.server.pubsub;
    const frames = argv.length === 1 ? ps.unsubscribeAll(ctx.client, false)
      : argv.slice(1).map((ch) => ps.unsubscribe(ctx.client, ch, false));
    ps.updateMode(ctx.client);
    return seq(frames);
  },
  sunsubscribe(ctx, argv) {
    const ps = ctx.server.pubsub;
    const frames = argv.length === 1 ? ps.unsubscribeAll(ctx.client, true)
      : argv.slice(1).map((ch) => ps.unsubscribe(ctx.client, ch, true));
    ps.updateMode(ctx.client);
    return seq(frames);
  },
  punsubscribe(ctx, argv) {
    const ps = ctx.server.pubsub;
    const frames = argv.length === 1 ? ps.punsubscribeAll(ctx.client)
      : argv.slice(1).map((p) => ps.punsubscribe(ctx.client, p));
    ps.updateMode(ctx.client);
    return seq(frames);
  },
  publish(ctx, argv) {
    const denied = channelAccess.check(ctx, [argv[1]], false);
    if (denied) return denied;
    return int(ctx.server.pubsub.publish(argv[1], argv[2], false));
  },
  spublish(ctx, argv) {
    const denied = channelAccess.check(ctx, [argv[1]], false);
    if (denied) return denied;
    return int(ctx.server.pubsub.publish(argv[1], argv[2], true));
  },
  'pubsub|channels'(ctx, argv) {
    if (argv.length > 3) return subcommandSyntaxError('PUBSUB', argv[1]);
    return bulks(ctx.server.pubsub.channelList(argv.length === 3 ? argv[2] : null, false));
  },
  'pubsub|shardchannels'(ctx, argv) {
    if (argv.length > 3) return subcommandSyntaxError('PUBSUB', argv[1]);
    return bulks(ctx.server.pubsub.channelList(argv.length === 3 ? argv[2] : null, true));
  },
  'pubsub|numsub'(ctx, argv) {
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(bulk(argv[i]), int(ctx.server.pubsub.numsub(argv[i], false)));
    return array(out);
  },
  'pubsub|shardnumsub'(ctx, argv) {
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(bulk(argv[i]), int(ctx.server.pubsub.numsub(argv[i], true)));
    return array(out);
  },
  'pubsub|numpat'(ctx) { return int(ctx.server.pubsub.patterns.size); },
});
