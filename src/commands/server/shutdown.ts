/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: closes the instance (RedSim.shutdown);
 * `redsim serve` then exits the process. redsim has no persistence, so a shutdown
 * that must save fails as Redis's does when its save fails, unless FORCE.
 */
import { saveNow } from '../../persistence/persistence.js';
import { registerAll } from '../registry.js';
import { OK, err, errSyntax, type Reply } from '../../reply.js';
import { scriptingOf } from '../../scripting/engine.js';
import type { Ctx } from '../../context.js';

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

function shutdown(ctx: Ctx, argv: string[]): Reply {
  let nosave = false, save = false, now = false, force = false, abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nosave') nosave = true;
    else if (a === 'save') save = true;
    else if (a === 'now') now = true;
    else if (a === 'force') force = true;
    else if (a === 'abort') abort = true;
    else return errSyntax();
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) return errSyntax();
  // Shutdowns never wait for replicas here, so none is ever in progress.
  if (abort) return err('ERR No shutdown in progress.');
  if (!now && ctx.denyBlocking) return err("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
  const server = ctx.server;
  if (!nosave && server.busy?.timedOut) return err(server.busy.kind === 'eval' ? BUSY_EVAL : BUSY_FUNCTION);
  const mustSave = save || (!nosave && (server.config.get('save') ?? '') !== '');
  // A failed save: Redis logs "Error trying to save the DB, can't exit." and stays up; FORCE exits anyway.
  if (mustSave && saveNow(server) !== null && !force) return err('ERR Errors trying to SHUTDOWN. Check logs.');
  // A running script (even one that wrote) stops at its next hook.
  const rc = scriptingOf(server).current;
  if (rc) rc.killed = true;
  server.shutdown();
  return OK;
}

registerAll({ shutdown });
