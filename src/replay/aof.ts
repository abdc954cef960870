/**
 * Reading Redis 7.0 append-only files: RESP multibulk commands as
 * feedAppendOnlyFile writes them (SELECT when the db changes, MULTI/EXEC around
 * script effects, PEXPIREAT/PXAT absolute expiries) and `#...` annotation
 * lines (`#TS:<unix seconds>` with aof-timestamp-enabled), which set the clock.
 *
 * 7.0 keeps the AOF as several files listed in a manifest (appendonlydir/).
 * Given a single .aof file it is read as is; given a manifest, its base and
 * incremental files are read in order. An RDB base (the default preamble) is
 * accepted only when it holds no keys, which is what a fresh server writes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TraceError, type TraceEntry } from './trace.js';
import { splitInlineArgs } from '../resp/parser.js';

export const AOF_CLIENT = 'aof';

export interface AofRead {
  entries: TraceEntry[];
  /** A truncated last command was dropped (Redis loads such a file with aof-load-truncated yes). */
  truncated: boolean;
}

/** Parse AOF bytes. Throws TraceError (numbered by command) on a malformed file. */
export function readAof(buf: Buffer, into: TraceEntry[] = []): AofRead {
  // One latin1 string for the whole file: arguments are then cheap slices of it
  // instead of one Buffer decode each (loading speed, issue 15).
  const str = buf.toString('latin1');
  const size = str.length;
  let pos = 0;
  let n = 0;
  let timeUs: number | undefined;
  /** End of the line starting at p (before CR LF / LF), and the next line's start; -1 when unterminated. */
  let lineEnd = 0;
  const lineNext = (p: number): number => {
    const nl = str.indexOf('\n', p);
    if (nl < 0) return -1;
    lineEnd = nl > p && str.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    return nl + 1;
  };
  /** `<prefix><digits>` between p and lineEnd, as a number (Redis's checks and messages). */
  const count = (p: number, prefix: number, what: string): number => {
    let v = 0;
    let ok = lineEnd - p >= 2 && str.charCodeAt(p) === prefix;
    for (let i = p + 1; ok && i < lineEnd; i++) {
      const c = str.charCodeAt(i);
      if (c < 48 || c > 57) ok = false;
      else v = v * 10 + (c - 48);
    }
    if (!ok) throw new TraceError(n, `bad ${what} '${str.slice(p, lineEnd)}'`);
    return lineEnd - p > 16 ? Number(str.slice(p + 1, lineEnd)) : v;
  };
  while (pos < size) {
    const next = lineNext(pos);
    if (next < 0) return { entries: into, truncated: true };
    if (str.charCodeAt(pos) === 0x23) { // '#'
      // Annotation. #TS: is seconds; other annotations are ignored, as Redis does.
      const ts = /^#TS:([0-9]+)$/.exec(str.slice(pos, lineEnd));
      if (ts) timeUs = Number(ts[1]) * 1_000_000;
      pos = next;
      continue;
    }
    n++;
    const argc = count(pos, 0x2a, 'multibulk count');
    if (argc < 1) throw new TraceError(n, `bad multibulk count '${str.slice(pos, lineEnd)}'`);
    pos = next;
    const argv: string[] = [];
    for (let i = 0; i < argc; i++) {
      const hn = lineNext(pos);
      if (hn < 0) return { entries: into, truncated: true };
      const len = count(pos, 0x24, 'bulk length');
      if (hn + len + 2 > size) return { entries: into, truncated: true };
      argv.push(str.slice(hn, hn + len));
      if (str.charCodeAt(hn + len) !== 0x0d || str.charCodeAt(hn + len + 1) !== 0x0a) throw new TraceError(n, 'bulk not followed by CRLF');
      pos = hn + len + 2;
    }
    const e: TraceEntry = { line: n, client: AOF_CLIENT, argv };
    if (timeUs !== undefined) e.timeUs = timeUs;
    into.push(e);
  }
  return { entries: into, truncated: false };
}

/** True when the bytes look like a 7.0 AOF manifest rather than an AOF. */
export function isManifest(buf: Buffer): boolean {
  return buf.subarray(0, 5).toString('latin1') === 'file ';
}

interface ManifestFile { name: string; seq: number; type: 'b' | 'h' | 'i' }

/** The manifest's lines: `file <name> seq <n> type <b|h|i>` (sdssplitargs quoting). */
export function parseManifest(text: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const args = splitInlineArgs(line);
    if (!args || args.length % 2 !== 0) throw new TraceError(i + 1, 'invalid AOF manifest line');
    const f: Partial<ManifestFile> = {};
    for (let j = 0; j < args.length; j += 2) {
      const v = args[j + 1];
      if (args[j] === 'file') f.name = v;
      else if (args[j] === 'seq') f.seq = Number(v);
      else if (args[j] === 'type' && (v === 'b' || v === 'h' || v === 'i')) f.type = v;
    }
    if (f.name === undefined || f.seq === undefined || f.type === undefined) throw new TraceError(i + 1, 'invalid AOF manifest line');
    out.push(f as ManifestFile);
  });
  return out;
}

/**
 * Does an RDB file hold no data? Walks the opcodes a keyless RDB has (AUX
 * fields, SELECTDB, RESIZEDB) up to EOF; anything else is data.
 */
export function rdbIsEmpty(buf: Buffer): boolean {
  if (buf.subarray(0, 5).toString('latin1') !== 'REDIS') throw new Error('not an RDB file');
  let p = 9; // "REDIS" + 4 version digits
  const len = (): { n: number; special: number } => {
    const b = buf[p++];
    switch (b >> 6) {
      case 0: return { n: b & 0x3f, special: -1 };
      case 1: return { n: ((b & 0x3f) << 8) | buf[p++], special: -1 };
      case 2: {
        if (b === 0x80) { const n = buf.readUInt32BE(p); p += 4; return { n, special: -1 }; }
        const n = Number(buf.readBigUInt64BE(p)); p += 8; return { n, special: -1 };
      }
      default: return { n: 0, special: b & 0x3f };
    }
  };
  const skipString = () => {
    const l = len();
    if (l.special < 0) p += l.n;
    else if (l.special === 0) p += 1;
    else if (l.special === 1) p += 2;
    else if (l.special === 2) p += 4;
    else if (l.special === 3) { const clen = len().n; len(); p += clen; } // LZF: compressed, plain lengths
    else throw new Error('bad RDB string encoding');
  };
  while (p < buf.length) {
    const op = buf[p++];
    if (op === 0xff) return true;
    if (op === 0xfa) { skipString(); skipString(); }
    else if (op === 0xfe) len();
    else if (op === 0xfb) { len(); len(); }
    else return false;
  }
  return false;
}

/**
 * Read an AOF given by path: a single .aof file, or a 7.0 manifest whose
 * files are read in order (history files skipped).
 */
export function readAofPath(path: string): AofRead {
  const buf = readFileSync(path);
  if (!isManifest(buf)) return readAof(buf);
  const dir = dirname(path);
  const files = parseManifest(buf.toString('latin1'));
  const entries: TraceEntry[] = [];
  let truncated = false;
  const ordered = [...files.filter((f) => f.type === 'b'), ...files.filter((f) => f.type === 'i').sort((a, b) => a.seq - b.seq)];
  for (const f of ordered) {
    const data = readFileSync(join(dir, f.name));
    if (data.subarray(0, 5).toString('latin1') === 'REDIS') {
      if (!rdbIsEmpty(data)) {
        throw new Error(`${f.name}: an RDB base with keys cannot be replayed (rewrite the AOF with aof-use-rdb-preamble no, or replay the .incr.aof files alone)`);
      }
      continue;
    }
    if (truncated) throw new Error(`${f.name}: follows a truncated AOF file`);
    // Number commands across files so messages stay unique.
    const before = entries.length;
    const r = readAof(data, entries);
    for (let i = before; i < entries.length; i++) entries[i].line = i + 1;
    truncated = r.truncated;
  }
  return { entries, truncated };
}
