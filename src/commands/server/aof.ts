/** BGREWRITEAOF and DEBUG LOADAOF (aof.c bgrewriteaofCommand, debug.c). */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { Reply } from '../../reply.js';
import { OK, err, status } from '../../reply.js';
import { aofOf } from '../../persistence/aof.js';

const CANT = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";

registerAll({
  bgrewriteaof(ctx) {
    const aof = aofOf(ctx.server);
    if (ctx.inExec) {
      // No fork inside EXEC: the rewrite is scheduled for the next cron tick.
      queueMicrotask(() => { try { aof.rewrite(aof.on); } catch { /* counted in aof_last_bgrewrite_status */ } });
      return status('Background append only file rewriting scheduled');
    }
    try { aof.rewrite(aof.on); } catch { return err(CANT); }
    return status('Background append only file rewriting started');
  },
});

/** DEBUG LOADAOF: flush the AOF, empty the dataset, load the files back; nothing of it is propagated. */
export function debugLoadAof(ctx: Ctx): Reply {
  const aof = aofOf(ctx.server);
  try {
    aof.reload();
  } catch (e) {
    // Redis exits when the files cannot be loaded; redsim keeps running and says why.
    return err(`ERR Error loading the append only file: ${(e as Error).message}`.replace(/[\r\n]/g, ' '));
  }
  ctx.server.dirty = 0;
  return OK;
}
