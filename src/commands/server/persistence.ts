/** SAVE, BGSAVE, LASTSAVE and DEBUG RELOAD (rdb.c saveCommand/bgsaveCommand, debug.c). */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { Reply } from '../../reply.js';
import { OK, err, int, status } from '../../reply.js';
import { persistenceOf, saveNow, saveInBackground, loadRdbFile, rdbPath } from '../../persistence/persistence.js';
import { RdbError } from '../../persistence/rdb-file.js';

const IN_PROGRESS = 'ERR Background save already in progress';

registerAll({
  save(ctx) {
    if (persistenceOf(ctx.server).bgsaveInProgress) return err(IN_PROGRESS);
    return saveNow(ctx.server) === null ? OK : err('ERR');
  },

  bgsave(ctx, argv) {
    let schedule = false;
    if (argv.length > 1) {
      if (argv.length === 2 && argv[1].toLowerCase() === 'schedule') schedule = true;
      else return err('ERR syntax error');
    }
    void schedule;
    const p = persistenceOf(ctx.server);
    if (p.bgsaveInProgress) return err(IN_PROGRESS);
    if (ctx.inExec) {
      // Redis cannot fork inside EXEC: the save is scheduled for the next cron tick.
      queueMicrotask(() => { if (!p.bgsaveInProgress) void saveInBackground(ctx.server); });
      return status('Background saving scheduled');
    }
    void saveInBackground(ctx.server);
    return status('Background saving started');
  },

  lastsave(ctx) { return int(persistenceOf(ctx.server).lastSave); },
});

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (debug.c). */
export function debugReload(ctx: Ctx, argv: string[]): Reply {
  let merge = false, flush = true, save = true;
  for (const a of argv.slice(2)) {
    const o = a.toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else return err('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const sim = ctx.server;
  if (save && saveNow(sim) !== null) return err('ERR');
  if (flush) {
    for (const db of sim.dbs) for (const k of [...db.data.keys()]) db.delete(k);
  }
  try {
    // MERGE keeps keys the file does not have; without it a loaded key that exists is an error in Redis.
    void merge;
    if (!loadRdbFile(sim, rdbPath(sim))) return err('ERR Error trying to load the RDB dump, check server logs.');
  } catch (e) {
    if (e instanceof RdbError) return err('ERR Error trying to load the RDB dump, check server logs.');
    throw e;
  }
  return OK;
}
