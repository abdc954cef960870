/**
 * SAVE / BGSAVE / LASTSAVE / DEBUG RELOAD and loading at start: the RDB file at
 * CONFIG `dir`/`dbfilename`. A save snapshots the keyspace at once (as Redis's
 * fork does); BGSAVE then writes the file asynchronously, so commands keep
 * running meanwhile, and the temp file is renamed into place as Redis does.
 */
import { writeFileSync, renameSync, readFileSync, existsSync, unlinkSync, statSync } from 'node:fs';
import { writeFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { RedSim } from '../server.js';
import type { Database } from '../keyspace/db.js';
import { encodeRdb, decodeRdb, loadLimits, RdbError, type LoadedRdb } from './rdb-file.js';
import { functionsOf } from '../scripting/functions.js';
import { setExpireExact } from '../commands/generic/expire.js';
import { lfuMinutes } from '../keyspace/lfu.js';
import { SPECIAL_VALIDATORS, PARAMS } from '../config.js';

export interface PersistenceState {
  /** Unix seconds of the last successful save (LASTSAVE); the start time before any. */
  lastSave: number;
  bgsaveInProgress: boolean;
  lastBgsaveOk: boolean;
  /** Changes since the last save (rdb_changes_since_last_save). */
  dirty: number;
}

export function persistenceOf(sim: RedSim): PersistenceState {
  let p = sim.ext.persistence as PersistenceState | undefined;
  if (!p) {
    p = { lastSave: Math.floor(sim.startTime / 1000), bgsaveInProgress: false, lastBgsaveOk: true, dirty: 0 };
    sim.ext.persistence = p;
  }
  return p;
}

/** dir (relative to the process's working directory) + dbfilename. */
export function rdbPath(sim: RedSim): string {
  return path.resolve(sim.config.get('dir') ?? '.', sim.config.get('dbfilename') ?? 'dump.rdb');
}

function tempPath(sim: RedSim, kind: 'save' | 'bg'): string {
  return path.resolve(sim.config.get('dir') ?? '.', kind === 'save' ? `temp-${process.pid}.rdb` : `temp-bg-${process.pid}.rdb`);
}

function snapshot(sim: RedSim): Buffer[] {
  return encodeRdb(sim, { now: sim.clock.now() });
}

/** SAVE: write the file now. Returns an error text (Redis's log reason) or null. */
export function saveNow(sim: RedSim): string | null {
  const p = persistenceOf(sim);
  const tmp = tempPath(sim, 'save');
  try {
    writeFileSync(tmp, Buffer.concat(snapshot(sim)));
    renameSync(tmp, rdbPath(sim));
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    return (e as Error).message;
  }
  p.lastSave = Math.floor(sim.clock.now() / 1000);
  p.dirty = 0;
  return null;
}

/** BGSAVE: snapshot now, write in the background. Resolves when the file is in place. */
export function saveInBackground(sim: RedSim): Promise<boolean> {
  const p = persistenceOf(sim);
  p.bgsaveInProgress = true;
  const dirtyAtStart = p.dirty;
  let chunks: Buffer[];
  try { chunks = snapshot(sim); } catch { p.bgsaveInProgress = false; p.lastBgsaveOk = false; return Promise.resolve(false); }
  const tmp = tempPath(sim, 'bg');
  const target = rdbPath(sim);
  return writeFile(tmp, chunks).then(() => rename(tmp, target)).then(
    () => {
      p.bgsaveInProgress = false;
      p.lastBgsaveOk = true;
      p.lastSave = Math.floor(sim.clock.now() / 1000);
      p.dirty = Math.max(0, p.dirty - dirtyAtStart);
      return true;
    },
    () => {
      p.bgsaveInProgress = false;
      p.lastBgsaveOk = false;
      return unlink(tmp).then(() => false, () => false);
    },
  );
}

/** Replace the keyspace and function libraries with a loaded RDB (rdbLoad after emptyData). */
export function applyRdb(sim: RedSim, rdb: LoadedRdb, opts: { flush?: boolean } = {}): void {
  if (opts.flush !== false) {
    for (const db of sim.dbs) for (const k of [...db.data.keys()]) db.delete(k);
    functionsOf(sim).clear();
  }
  const libs = functionsOf(sim);
  for (const code of rdb.functions) {
    const r = libs.create(code, true);
    if ('err' in r) throw new RdbError(`Failed loading library: ${r.err}`);
  }
  const now = sim.clock.now();
  const decay = sim.config.getNumber('lfu-decay-time');
  void decay;
  for (const [id, rows] of rdb.dbs) {
    const db: Database | undefined = sim.dbs[id];
    if (!db) throw new RdbError(`FATAL: Data file was created with a Redis server configured to handle more than ${sim.dbs.length} databases. Exiting`);
    for (const [key, v, at, idle, freq] of rows) {
      // Redis drops keys already expired when a master loads the file.
      if (at !== undefined && at < now) continue;
      if (db.data.has(key)) db.delete(key);
      if (idle !== undefined) v.lru = now - idle * 1000;
      if (freq !== undefined) (v as { lfu?: number }).lfu = (lfuMinutes(now) << 8) | freq;
      db.add(key, v);
      if (at !== undefined) setExpireExact(db, key, BigInt(at));
    }
  }
}

/** Load the RDB file at dir/dbfilename if it exists. Returns false when there is none. */
export function loadRdbFile(sim: RedSim, file = rdbPath(sim)): boolean {
  if (!existsSync(file)) return false;
  if (statSync(file).size >= 2 ** 29 - 24) throw new RdbError(`the RDB file is ${statSync(file).size} bytes: redsim reads RDB files below 512 MB (JavaScript string limit)`);
  const data = readFileSync(file).toString('latin1');
  applyRdb(sim, decodeRdb(data, loadLimits(sim)));
  return true;
}

/** Load an RDB image from memory (tests, replay --rdb). */
export function loadRdbBuffer(sim: RedSim, buf: Buffer): void {
  applyRdb(sim, decodeRdb(buf.toString('latin1'), loadLimits(sim)));
}

// CONFIG SET save: pairs of <seconds> <changes>, or "" to disable.
if (!PARAMS.some((d) => d.name === 'save')) PARAMS.push({ name: 'save', kind: 'string' });
SPECIAL_VALIDATORS.set('save', (value) => {
  const parts = value.split(/\s+/).filter(Boolean);
  if (parts.length % 2 || parts.some((x) => !/^\d+$/.test(x))) return { error: 'Invalid save parameters' };
  const pairs: string[] = [];
  for (let i = 0; i < parts.length; i += 2) pairs.push(`${Number(parts[i])} ${Number(parts[i + 1])}`);
  return { ok: pairs.join(' ') };
});
