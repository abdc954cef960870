/** MONITOR: the client starts receiving every command's line (src/pubsub/monitor.ts). */
import { registerAll } from '../registry.js';
import { OK, err, seq } from '../../reply.js';

registerAll({
  monitor(ctx) {
    // Inside EXEC (and scripts) the client expects one reply per command.
    if (ctx.denyBlocking) return err("ERR MONITOR isn't allowed for DENY BLOCKING client");
    const c = ctx.client;
    // Already monitoring: Redis ignores it without a reply.
    if (c.monitor) return seq([]);
    c.monitor = true;
    ctx.server.monitors.add(c);
    return OK;
  },
});
