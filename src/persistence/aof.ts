/**
 * Redis 7.0's multi-part append only file: `dir`/`appenddirname` holds a base file
 * (an RDB image with aof-use-rdb-preamble, else commands), incr files that receive
 * the propagation stream (src/persistence/propagate.ts), and a manifest naming them
 * ("file <name> seq <n> type b|i"). A rewrite snapshots the keyspace as a new base,
 * opens a new incr file and replaces the manifest, then deletes the old files, as
 * 7.0 does once its child finishes (here in-process and synchronously).
 */
import { openSync, writeSync, fsyncSync, closeSync, readFileSync, writeFileSync, renameSync, existsSync,
  mkdirSync, unlinkSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import type { RedSim } from '../server.js';
import { Client } from '../client.js';
import { encodeRdb, decodeRdb, loadLimits, RdbError } from './rdb-file.js';
import { applyRdb } from './persistence.js';
import { PROPAGATE_AOF } from './propagate.js';
import { execute } from '../executor.js';
import { rewriteCommands } from './aof-rewrite.js';
import { functionsOf } from '../scripting/functions.js';

export class AofError extends Error { override name = 'AofError'; }

interface AofFile { name: string; seq: number; type: 'b' | 'h' | 'i' }

export interface AofStats {
  rewrites: number;
  lastRewriteTimeSec: number;
  lastBgrewriteOk: boolean;
  lastWriteOk: boolean;
  baseSize: number;
  currentSize: number;
  delayedFsync: number;
}

export class Aof {
  on = false;
  /** Replaying files: what the replay runs is not written back. */
  private loading = false;
  private fd: number | null = null;
  private selectedDb = -1;
  private curTimestamp = 0;
  private base: AofFile | null = null;
  private incrs: AofFile[] = [];
  private unsubscribe: (() => void) | null = null;
  private lastFsync = 0;
  private fsyncTimer: ReturnType<typeof setInterval> | null = null;
  private dirtyFsync = false;
  readonly stats: AofStats = { rewrites: 0, lastRewriteTimeSec: -1, lastBgrewriteOk: true, lastWriteOk: true, baseSize: 0, currentSize: 0, delayedFsync: 0 };

  constructor(private readonly sim: RedSim) {}

  dir(): string { return path.resolve(this.sim.config.get('dir') ?? '.', this.sim.config.get('appenddirname') ?? 'appendonlydir'); }
  private fileName(): string { return this.sim.config.get('appendfilename') ?? 'appendonly.aof'; }
  private manifestPath(): string { return path.join(this.dir(), `${this.fileName()}.manifest`); }

  /** Is there a manifest to load? */
  exists(): boolean { return existsSync(this.manifestPath()); }

  /** Start writing: a fresh rewrite (CONFIG SET appendonly yes, or start-up without files). */
  start(): void {
    if (this.on) return;
    this.rewrite();
    this.attach();
  }

  /** Start-up with existing files: keep appending to the last incr file. */
  resume(): void {
    if (this.on) return;
    this.readManifest();
    const last = this.incrs[this.incrs.length - 1];
    if (!last) { this.start(); return; }
    this.fd = openSync(path.join(this.dir(), last.name), 'a');
    this.selectedDb = -1;
    this.attach();
  }

  stop(): void {
    if (!this.on) return;
    this.fsyncNow();
    this.on = false;
    this.unsubscribe?.(); this.unsubscribe = null;
    if (this.fsyncTimer) { clearInterval(this.fsyncTimer); this.fsyncTimer = null; }
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }

  private attach(): void {
    this.on = true;
    this.unsubscribe = this.sim.propagation.subscribe((db, argv, target) => { if (target & PROPAGATE_AOF) this.feed(db, argv); });
    // everysec: a background fsync once a second (Redis's bio fsync).
    this.fsyncTimer = setInterval(() => { if (this.policy() === 'everysec') this.fsyncNow(); }, 1000);
    this.fsyncTimer.unref?.();
  }

  private policy(): string { return this.sim.config.get('appendfsync') ?? 'everysec'; }

  private fsyncNow(): void {
    if (this.fd === null || !this.dirtyFsync) return;
    try { fsyncSync(this.fd); this.dirtyFsync = false; this.lastFsync = Date.now(); } catch { this.stats.lastWriteOk = false; }
  }

  /** feedAppendOnlyFile: #TS annotation, SELECT when the db changes, the command; written before the reply. */
  feed(db: number, argv: string[]): void {
    if (this.fd === null || this.loading) return;
    let buf = '';
    if (this.sim.config.get('aof-timestamp-enabled') === 'yes') {
      const now = Math.floor(this.sim.clock.now() / 1000);
      if (this.curTimestamp < now) { this.curTimestamp = now; buf += `#TS:${now}\r\n`; }
    }
    if (db !== this.selectedDb) { buf += encodeCommand(['SELECT', String(db)]); this.selectedDb = db; }
    buf += encodeCommand(argv);
    const bytes = Buffer.from(buf, 'latin1');
    try {
      writeSync(this.fd, bytes);
      this.stats.currentSize += bytes.length;
      this.stats.lastWriteOk = true;
    } catch {
      this.stats.lastWriteOk = false;
      return;
    }
    this.dirtyFsync = true;
    if (this.policy() === 'always') this.fsyncNow();
  }

  /** rewriteAppendOnlyFile: new base (and incr) file, new manifest, old files deleted. */
  rewrite(withIncr = true): void {
    const t0 = Date.now();
    const dir = this.dir();
    mkdirSync(dir, { recursive: true });
    if (!this.base && this.incrs.length === 0 && this.exists()) { try { this.readManifest(); } catch { /* a bad manifest is replaced */ } }
    const seq = Math.max(this.base?.seq ?? 0, ...this.incrs.map((f) => f.seq), 0) + 1;
    const preamble = this.sim.config.get('aof-use-rdb-preamble') !== 'no';
    const baseName = `${this.fileName()}.${seq}.base.${preamble ? 'rdb' : 'aof'}`;
    const incrName = `${this.fileName()}.${seq}.incr.aof`;
    let body: Buffer;
    if (preamble) body = Buffer.concat(encodeRdb(this.sim, { now: this.sim.clock.now() }));
    else {
      let s = '';
      if (this.sim.config.get('aof-timestamp-enabled') === 'yes') s += `#TS:${Math.floor(this.sim.clock.now() / 1000)}\r\n`;
      for (const argv of rewriteCommands(this.sim)) s += encodeCommand(argv);
      body = Buffer.from(s, 'latin1');
    }
    const tmpBase = path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    try {
      writeFileSync(tmpBase, body);
      renameSync(tmpBase, path.join(dir, baseName));
      if (withIncr) writeFileSync(path.join(dir, incrName), '');
      const old = [this.base, ...this.incrs].filter((f): f is AofFile => f !== null);
      this.base = { name: baseName, seq, type: 'b' };
      // With AOF off (BGREWRITEAOF) only a base is written, as 7.0 does.
      this.incrs = withIncr ? [{ name: incrName, seq, type: 'i' }] : [];
      this.writeManifest();
      for (const f of old) { try { unlinkSync(path.join(dir, f.name)); } catch { /* already gone */ } }
    } catch (e) {
      this.stats.lastBgrewriteOk = false;
      throw e;
    }
    if (this.fd !== null) { this.fsyncNow(); closeSync(this.fd); this.fd = null; }
    if (withIncr) this.fd = openSync(path.join(dir, incrName), 'a');
    this.selectedDb = -1;
    this.stats.rewrites++;
    this.stats.lastBgrewriteOk = true;
    this.stats.lastRewriteTimeSec = Math.floor((Date.now() - t0) / 1000);
    this.stats.baseSize = body.length;
    this.stats.currentSize = body.length;
  }

  private writeManifest(): void {
    let s = '';
    for (const f of [this.base, ...this.incrs]) if (f) s += `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`;
    const tmp = path.join(this.dir(), `temp-${this.fileName()}.manifest`);
    writeFileSync(tmp, s);
    renameSync(tmp, this.manifestPath());
  }

  private readManifest(): void {
    const text = readFileSync(this.manifestPath(), 'latin1');
    this.base = null; this.incrs = [];
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const words = splitManifestLine(t);
      const f: Partial<AofFile> = {};
      for (let i = 0; i + 1 < words.length; i += 2) {
        if (words[i] === 'file') f.name = words[i + 1];
        else if (words[i] === 'seq') f.seq = Number(words[i + 1]);
        else if (words[i] === 'type') f.type = words[i + 1] as AofFile['type'];
      }
      if (!f.name || f.seq === undefined || !f.type) throw new AofError('Invalid AOF manifest file format');
      if (f.type === 'b') this.base = f as AofFile;
      else if (f.type === 'i') this.incrs.push(f as AofFile);
    }
  }

  /**
   * loadAppendOnlyFiles: the base, then every incr file in order, run through the
   * executor by a client of its own. Returns false when there is no manifest.
   */
  load(): boolean {
    if (!this.exists()) return false;
    this.readManifest();
    for (const db of this.sim.dbs) for (const k of [...db.data.keys()]) db.delete(k);
    functionsOf(this.sim).clear();
    this.loading = true;
    try { return this.loadFiles(); } finally { this.loading = false; }
  }

  private loadFiles(): boolean {
    const files = [this.base, ...this.incrs].filter((f): f is AofFile => f !== null);
    let total = 0;
    files.forEach((f, i) => {
      const p = path.join(this.dir(), f.name);
      if (!existsSync(p)) throw new AofError(`The AOF file ${f.name} doesn't exist`);
      const size = statSync(p).size;
      if (size >= 2 ** 29 - 24) throw new AofError(`the AOF file ${f.name} is ${size} bytes: redsim reads AOF files below 512 MB (JavaScript string limit)`);
      const data = readFileSync(p).toString('latin1');
      total += size;
      if (data.startsWith('REDIS')) {
        applyRdb(this.sim, decodeRdb(data, loadLimits(this.sim)), { flush: false });
        return;
      }
      const end = this.replay(data, f.name);
      if (end < data.length) {
        // A truncated tail: only the last file may have one, and only with aof-load-truncated.
        if (i === files.length - 1 && this.sim.config.get('aof-load-truncated') !== 'no') truncateSync(p, end);
        else throw new AofError(`Bad file format reading the append only file ${f.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
      }
    });
    this.stats.baseSize = this.base ? sizeOf(path.join(this.dir(), this.base.name)) : 0;
    this.stats.currentSize = total;
    return true;
  }

  /** DEBUG LOADAOF: flush what is pending, then load the files as at start-up. */
  reload(): void {
    this.fsyncNow();
    this.sim.propagation.muted(() => {
      if (!this.load()) {
        for (const db of this.sim.dbs) for (const k of [...db.data.keys()]) db.delete(k);
      }
    });
    // Writing continues in the last incr file, with a fresh SELECT.
    this.selectedDb = -1;
  }

  /** Run the commands of one AOF text; returns the offset after the last complete command. */
  private replay(data: string, name: string): number {
    const client = new Client(-1, this.sim.dbs[0], this.sim.clock.now(), { addr: '', laddr: '' });
    this.sim.acl.setDefaultAuth(client);
    client.authenticated = true;
    client.mustObey = true;
    let pos = 0;
    let good = 0;
    while (pos < data.length) {
      if (data[pos] === '#') {
        const nl = data.indexOf('\n', pos);
        if (nl < 0) break;
        pos = nl + 1; good = pos; continue;
      }
      const cmd = parseCommand(data, pos);
      if (cmd === null) break;
      if (cmd === 'bad') throw new AofError(`Bad file format reading the append only file ${name}`);
      pos = cmd.next;
      const r = execute(this.sim, client, cmd.argv);
      if (r instanceof Promise) throw new AofError(`Unexpected blocking command in the append only file ${name}`);
      good = pos;
    }
    // An unfinished MULTI at the end is a truncated tail too (Redis reverts to before it).
    if (client.multi) {
      const multiAt = lastMultiOffset(data, good);
      return multiAt;
    }
    return good;
  }
}

function sizeOf(p: string): number { try { return statSync(p).size; } catch { return 0; } }

/** Where the last top-level MULTI started (the valid prefix ends there). */
function lastMultiOffset(data: string, end: number): number {
  let pos = 0, at = end;
  while (pos < end) {
    if (data[pos] === '#') { pos = data.indexOf('\n', pos) + 1; continue; }
    const c = parseCommand(data, pos);
    if (c === null || c === 'bad') break;
    if (c.argv.length === 1 && c.argv[0].toLowerCase() === 'multi') at = pos;
    pos = c.next;
  }
  return at;
}

function quoteName(n: string): string {
  return /[\s"'\\]/.test(n) || n === '' ? JSON.stringify(n) : n;
}

function splitManifestLine(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]);
  return out;
}

export function encodeCommand(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** One "*N $len arg ..." command at pos: null when the data ends inside it, 'bad' when malformed. */
function parseCommand(data: string, pos: number): { argv: string[]; next: number } | null | 'bad' {
  const line = (p: number): [string, number] | null => {
    const nl = data.indexOf('\r\n', p);
    return nl < 0 ? null : [data.slice(p, nl), nl + 2];
  };
  if (data[pos] !== '*') return 'bad';
  const h = line(pos + 1);
  if (!h) return null;
  const n = Number(h[0]);
  if (!Number.isInteger(n) || n < 1) return 'bad';
  let p = h[1];
  const argv: string[] = [];
  for (let i = 0; i < n; i++) {
    if (p >= data.length) return null;
    if (data[p] !== '$') return 'bad';
    const l = line(p + 1);
    if (!l) return null;
    const len = Number(l[0]);
    if (!Number.isInteger(len) || len < 0) return 'bad';
    if (l[1] + len + 2 > data.length) return null;
    argv.push(data.slice(l[1], l[1] + len));
    p = l[1] + len + 2;
  }
  return { argv, next: p };
}

export function aofOf(sim: RedSim): Aof {
  let a = sim.ext.aof as Aof | undefined;
  if (!a) { a = new Aof(sim); sim.ext.aof = a; }
  return a;
}

/** Start-up as redis-server does with appendonly yes: load the AOF if there is one, then keep appending. */
export function startAofOnBoot(sim: RedSim): boolean {
  const aof = aofOf(sim);
  const loaded = aof.load();
  if (loaded) aof.resume(); else aof.start();
  return loaded;
}

export { RdbError };
