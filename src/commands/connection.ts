/** Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, CLIENT ... */
import { registerAll } from './registry.js';
import { PONG, OK, bulk, err, E } from '../reply.js';
import { parseLongLongNum } from '../util/float.js';

registerAll({
  ping(ctx, argv) {
    if (argv.length > 2) return err("ERR wrong number of arguments for 'ping' command");
    return argv.length === 2 ? bulk(argv[1]) : PONG;
  },
  echo(_ctx, argv) { return bulk(argv[1]); },
  select(ctx, argv) {
    const n = parseLongLongNum(argv[1]);
    if (n === null || !Number.isInteger(n)) return err(E.NOT_INT);
    if (n < 0 || n >= ctx.server.dbs.length) return err(E.DB_INDEX);
    ctx.client.db = ctx.server.dbs[n];
    return OK;
  },
  quit(ctx) { ctx.client.closeAfterReply = true; return OK; },
});
