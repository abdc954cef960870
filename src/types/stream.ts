/**
 * Streams (t_stream.c, stream.h): entries ordered by a 128-bit id (ms, seq),
 * kept as Redis keeps them: a sorted run of nodes, each mirroring one listpack
 * of the radix tree (a master entry with the first entry's field names, then
 * entries delta-encoded against the node's master id). XDEL only flags an entry
 * deleted inside its node; a node goes away when its last live entry does.
 * Approximate trimming (`~`), node splits under stream-node-max-entries /
 * stream-node-max-bytes and DUMP's bytes all depend on that layout, so each node
 * tracks the exact listpack size Redis's would have.
 *
 * Ids are one bigint: ms << 64 | seq, so comparisons are plain `<`.
 */
import { parseLongLong } from '../util/float.js';

export type StreamID = bigint;
export const U64 = (1n << 64n) - 1n;
export const ID_MAX: StreamID = (1n << 128n) - 1n;
export const idMs = (id: StreamID): bigint => id >> 64n;
export const idSeq = (id: StreamID): bigint => id & U64;
export const makeId = (ms: bigint, seq: bigint): StreamID => (ms << 64n) | seq;
export function idStr(id: StreamID): string { return `${id >> 64n}-${id & U64}`; }

/** Entry flags inside a node (STREAM_ITEM_FLAG_*). */
export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** Sentinel for an unknown consumer-group read counter (SCG_INVALID_ENTRIES_READ). */
export const INVALID_ENTRIES_READ = -1n;

// ------------------------------------------------------------ listpack sizes
/** Bytes of a listpack integer element, backlen included (all fit one backlen byte). */
function lpIntSize(v: bigint | number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function lpBacklenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Bytes of a listpack element holding `s` (integer-encoded when it is a canonical int64). */
export function lpStrSize(s: string): number {
  if (s.length <= 20 && s.length > 0) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = parseLongLong(s);
      if (v !== null) return lpIntSize(v);
    }
  }
  const n = s.length;
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + lpBacklenSize(enc);
}

/** A uint64 difference stored as Redis stores it: cast to int64. */
export function toInt64(v: bigint): bigint {
  const u = v & U64;
  return u >= 1n << 63n ? u - (1n << 64n) : u;
}

// ------------------------------------------------------------ entries and nodes
export interface StreamEntry {
  id: StreamID;
  /** Flat field, value, field, value... */
  fv: string[];
  flags: number;
  /** Listpack bytes of the entry (flags, deltas, [numfields, fields], values, lp-count). */
  size: number;
}

export class StreamNode {
  /** Live / deleted entry counters of the master entry. */
  count = 0;
  deleted = 0;
  readonly entries: StreamEntry[] = [];
  /** Bytes of the master fields part (num-fields, fields, terminator). */
  readonly masterBytes: number;
  entriesBytes = 0;

  constructor(readonly master: StreamID, readonly masterFields: string[]) {
    let b = lpIntSize(masterFields.length) + lpIntSize(0);
    for (const f of masterFields) b += lpStrSize(f);
    this.masterBytes = b;
  }

  /** lpBytes of the listpack Redis would hold: header, elements, end byte. */
  get bytes(): number {
    return 6 + lpIntSize(this.count) + lpIntSize(this.deleted) + this.masterBytes + this.entriesBytes + 1;
  }

  /** The listpack's element list (for DUMP: same elements give the same bytes). */
  elements(): string[] {
    const out: string[] = [String(this.count), String(this.deleted), String(this.masterFields.length), ...this.masterFields, '0'];
    const mms = idMs(this.master), mseq = idSeq(this.master);
    for (const e of this.entries) {
      const same = (e.flags & FLAG_SAMEFIELDS) !== 0;
      out.push(String(e.flags), toInt64(idMs(e.id) - mms).toString(), toInt64(idSeq(e.id) - mseq).toString());
      const nf = e.fv.length / 2;
      if (!same) out.push(String(nf));
      for (let i = 0; i < e.fv.length; i += 2) {
        if (!same) out.push(e.fv[i]);
        out.push(e.fv[i + 1]);
      }
      out.push(String(same ? nf + 3 : nf * 2 + 4));
    }
    return out;
  }

  /** The last id in the node, tombstones included (lpGetEdgeStreamID). */
  get lastId(): StreamID { return this.entries[this.entries.length - 1].id; }
}

function entrySize(node: StreamNode, id: StreamID, fv: string[], same: boolean): number {
  const nf = fv.length / 2;
  let b = 2 /* flags */ + lpIntSize(toInt64(idMs(id) - idMs(node.master))) + lpIntSize(toInt64(idSeq(id) - idSeq(node.master)));
  if (!same) b += lpIntSize(nf);
  for (let i = 0; i < fv.length; i += 2) {
    if (!same) b += lpStrSize(fv[i]);
    b += lpStrSize(fv[i + 1]);
  }
  return b + lpIntSize(same ? nf + 3 : nf * 2 + 4);
}

// ------------------------------------------------------------ consumer groups
export interface StreamNack {
  deliveryTime: number;
  deliveryCount: bigint;
  consumer: StreamConsumer | null;
}

/** An id-ordered map (the PEL radix trees): sorted keys plus a lookup Map. */
export class IdMap<V> {
  private keys: StreamID[] = [];
  private readonly map = new Map<StreamID, V>();
  get size(): number { return this.keys.length; }
  get(id: StreamID): V | undefined { return this.map.get(id); }
  has(id: StreamID): boolean { return this.map.has(id); }
  /** Index of the first key >= id. */
  seek(id: StreamID): number {
    const k = this.keys;
    let lo = 0, hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k[mid] < id) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  set(id: StreamID, v: V): void {
    if (!this.map.has(id)) {
      const k = this.keys;
      if (k.length === 0 || k[k.length - 1] < id) k.push(id);
      else k.splice(this.seek(id), 0, id);
    }
    this.map.set(id, v);
  }
  delete(id: StreamID): boolean {
    if (!this.map.delete(id)) return false;
    const i = this.seek(id);
    if (i === 0) this.keys.shift(); else this.keys.splice(i, 1);
    return true;
  }
  keyAt(i: number): StreamID { return this.keys[i]; }
  first(): StreamID | undefined { return this.keys[0]; }
  last(): StreamID | undefined { return this.keys[this.keys.length - 1]; }
  *entries(from = 0): IterableIterator<[StreamID, V]> {
    for (let i = from; i < this.keys.length; i++) yield [this.keys[i], this.map.get(this.keys[i])!];
  }
}

export class StreamConsumer {
  readonly pel = new IdMap<StreamNack>();
  constructor(readonly name: string, public seenTime: number) {}
}

export class StreamGroup {
  readonly pel = new IdMap<StreamNack>();
  readonly consumers = new Map<string, StreamConsumer>();
  constructor(readonly name: string, public lastId: StreamID, public entriesRead: bigint) {}

  /** Consumers in radix-tree (byte) order. */
  sortedConsumers(): StreamConsumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** streamDelConsumer: drop its pending entries from the group PEL too. */
  deleteConsumer(c: StreamConsumer): void {
    for (const [id] of c.pel.entries()) this.pel.delete(id);
    this.consumers.delete(c.name);
  }
}

// ------------------------------------------------------------ the stream
export interface StreamLimits { maxBytes: number; maxEntries: number }

/** Largest total field/value size one entry may have (STREAM_LISTPACK_MAX_SIZE). */
const LISTPACK_MAX_SIZE = 1 << 30;

export type TrimStrategy = 'none' | 'maxlen' | 'minid';
export interface TrimArgs { strategy: TrimStrategy; approx: boolean; limit: number; maxlen: bigint; minid: StreamID }

export class Stream {
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = 0n;
  firstId: StreamID = 0n;
  maxDeletedId: StreamID = 0n;
  entriesAdded = 0n;
  groups: Map<string, StreamGroup> | null = null;

  /** Index of the last node whose master id is <= id, or -1 (raxSeek "<="). */
  private nodeAtOrBefore(id: StreamID): number {
    const n = this.nodes;
    let lo = 0, hi = n.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (n[mid].master <= id) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  /**
   * streamAppendItem with a final id already decided and checked (> lastId).
   * Returns false when the elements are too large (ERANGE).
   */
  append(id: StreamID, fv: string[], lim: StreamLimits): boolean {
    let total = 0;
    for (const s of fv) total += s.length;
    if (total > LISTPACK_MAX_SIZE) return false;
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node) {
      let maxBytes = lim.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (node.bytes + total >= maxBytes) node = undefined;
      else if (lim.maxEntries && node.count + node.deleted >= lim.maxEntries) node = undefined;
    }
    let same = false;
    if (!node) {
      const fields: string[] = [];
      for (let i = 0; i < fv.length; i += 2) fields.push(fv[i]);
      node = new StreamNode(id, fields);
      this.nodes.push(node);
      same = true;
    } else {
      const mf = node.masterFields;
      if (mf.length * 2 === fv.length) {
        same = true;
        for (let i = 0; i < mf.length; i++) if (mf[i] !== fv[i * 2]) { same = false; break; }
      }
    }
    const size = entrySize(node, id, fv, same);
    node.entries.push({ id, fv, flags: same ? FLAG_SAMEFIELDS : 0, size });
    node.entriesBytes += size;
    node.count++;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /**
   * Live entries with start <= id <= end, ascending (or descending when rev),
   * at most `count` (0: no limit). O(log nodes + entries visited).
   */
  *range(start: StreamID, end: StreamID, rev = false, tombstones = false): IterableIterator<StreamEntry> {
    if (start > end) return;
    const nodes = this.nodes;
    if (!rev) {
      let ni = start > 0n ? this.nodeAtOrBefore(start) : 0;
      if (ni < 0) ni = 0;
      for (; ni < nodes.length; ni++) {
        const es = nodes[ni].entries;
        let i = 0;
        if (es.length > 8 && es[0].id < start) {
          let lo = 0, hi = es.length;
          while (lo < hi) { const m = (lo + hi) >> 1; if (es[m].id < start) lo = m + 1; else hi = m; }
          i = lo;
        }
        for (; i < es.length; i++) {
          const e = es[i];
          if (e.id > end) return;
          if (e.id < start || (!tombstones && (e.flags & FLAG_DELETED))) continue;
          yield e;
        }
      }
    } else {
      let ni = this.nodeAtOrBefore(end);
      for (; ni >= 0; ni--) {
        const es = nodes[ni].entries;
        for (let i = es.length - 1; i >= 0; i--) {
          const e = es[i];
          if (e.id < start) return;
          if (e.id > end || (!tombstones && (e.flags & FLAG_DELETED))) continue;
          yield e;
        }
      }
    }
  }

  /** The live entry with this id, if any (streamEntryExists + lookup). */
  get(id: StreamID): StreamEntry | undefined {
    const ni = this.nodeAtOrBefore(id);
    if (ni < 0) return undefined;
    const es = this.nodes[ni].entries;
    let lo = 0, hi = es.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (es[m].id < id) lo = m + 1; else hi = m; }
    const e = es[lo];
    return e && e.id === id && !(e.flags & FLAG_DELETED) ? e : undefined;
  }

  /** streamDeleteItem: flag the entry deleted; drop its node when it was the node's last live one. */
  delete(id: StreamID): boolean {
    const ni = this.nodeAtOrBefore(id);
    if (ni < 0) return false;
    const node = this.nodes[ni];
    const es = node.entries;
    let lo = 0, hi = es.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (es[m].id < id) lo = m + 1; else hi = m; }
    const e = es[lo];
    if (!e || e.id !== id || (e.flags & FLAG_DELETED)) return false;
    e.flags |= FLAG_DELETED;
    if (node.count === 1) this.nodes.splice(ni, 1);
    else { node.count--; node.deleted++; }
    this.length--;
    return true;
  }

  /** First or last id, tombstones skipped or not (streamGetEdgeID); max/min sentinel when none. */
  edgeId(first: boolean, skipTombstones: boolean): StreamID {
    const it = first ? this.range(0n, ID_MAX, false, !skipTombstones) : this.range(0n, ID_MAX, true, !skipTombstones);
    const r = it.next();
    if (r.done) return first ? ID_MAX : 0n;
    return r.value.id;
  }

  /** streamLastValidID: the last live entry id. */
  lastValidId(): StreamID { return this.edgeId(false, true); }

  /** streamTrim: returns the number of entries removed. */
  trim(a: TrimArgs): number {
    if (a.strategy === 'none') return 0;
    let deleted = 0;
    while (this.nodes.length) {
      if (a.strategy === 'maxlen' && BigInt(this.length) <= a.maxlen) break;
      const node = this.nodes[0];
      const entries = node.count;
      if (a.limit && deleted + entries > a.limit) break;
      const removeNode = a.strategy === 'maxlen'
        ? BigInt(this.length - entries) >= a.maxlen
        : node.lastId < a.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (a.approx) break;
      let fromNode = 0;
      for (const e of node.entries) {
        const stop = a.strategy === 'maxlen' ? BigInt(this.length) <= a.maxlen : e.id >= a.minid;
        if (stop) break;
        if (!(e.flags & FLAG_DELETED)) {
          e.flags |= FLAG_DELETED;
          fromNode++;
          this.length--;
        }
      }
      deleted += fromNode;
      node.count -= fromNode;
      node.deleted += fromNode;
      break;
    }
    if (this.length === 0) this.firstId = 0n;
    else if (deleted) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  // ---------------------------------------------------------- groups
  group(name: string): StreamGroup | undefined { return this.groups?.get(name); }

  createGroup(name: string, id: StreamID, entriesRead: bigint): StreamGroup | undefined {
    if (!this.groups) this.groups = new Map();
    if (this.groups.has(name)) return undefined;
    const g = new StreamGroup(name, id, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  /** Groups in radix-tree (byte) order. */
  sortedGroups(): StreamGroup[] {
    if (!this.groups) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** streamRangeHasTombstones (start/end default to the extremes). */
  rangeHasTombstones(start: StreamID = 0n, end: StreamID = ID_MAX): boolean {
    if (!this.length || this.maxDeletedId === 0n) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** streamEstimateDistanceFromFirstEverEntry; INVALID_ENTRIES_READ when unknown. */
  estimateDistance(id: StreamID): bigint {
    if (!this.entriesAdded) return 0n;
    if (!this.length && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - BigInt(this.length);
      if (id === this.firstId) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamReplyWithCGLag's value: the lag, or null when it cannot be known. */
  lag(g: StreamGroup): bigint | null {
    if (!this.entriesAdded) return 0n;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) return this.entriesAdded - g.entriesRead;
    const er = this.estimateDistance(g.lastId);
    return er !== INVALID_ENTRIES_READ ? this.entriesAdded - er : null;
  }

  /** A group read past `id`: move last id and the read counter as streamReplyWithRange does. */
  advanceGroup(g: StreamGroup, id: StreamID): void {
    if (id <= g.lastId) return;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(id)) g.entriesRead++;
    else if (this.entriesAdded) g.entriesRead = this.estimateDistance(id);
    g.lastId = id;
  }

  // ---------------------------------------------------------- radix tree shape
  /**
   * rax->numnodes of the tree holding the nodes: root, leaves, branch points and
   * the children of branch points of a compressed trie over the 16-byte keys.
   */
  raxNodes(): number {
    const keys = this.nodes.map((n) => encodeId(n.master));
    const set = new Set<string>(['']);
    for (let i = 0; i < keys.length; i++) {
      set.add(keys[i]);
      if (i + 1 < keys.length) {
        const a = keys[i], b = keys[i + 1];
        let l = 0;
        while (l < 16 && a.charCodeAt(l) === b.charCodeAt(l)) l++;
        set.add(a.slice(0, l));
        set.add(a.slice(0, l + 1));
        set.add(b.slice(0, l + 1));
      }
    }
    return set.size;
  }

  /** Deep copy (COPY). */
  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => {
      const c = new StreamNode(n.master, n.masterFields);
      c.count = n.count; c.deleted = n.deleted; c.entriesBytes = n.entriesBytes;
      for (const e of n.entries) c.entries.push({ ...e });
      return c;
    });
    s.length = this.length; s.lastId = this.lastId; s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId; s.entriesAdded = this.entriesAdded;
    if (this.groups) {
      s.groups = new Map();
      for (const g of this.groups.values()) {
        const cg = new StreamGroup(g.name, g.lastId, g.entriesRead);
        const cons = new Map<StreamConsumer, StreamConsumer>();
        for (const c of g.consumers.values()) {
          const cc = new StreamConsumer(c.name, c.seenTime);
          cons.set(c, cc);
          cg.consumers.set(c.name, cc);
        }
        for (const [id, nack] of g.pel.entries()) {
          const n2: StreamNack = { deliveryTime: nack.deliveryTime, deliveryCount: nack.deliveryCount, consumer: nack.consumer ? cons.get(nack.consumer) ?? null : null };
          cg.pel.set(id, n2);
          if (n2.consumer) n2.consumer.pel.set(id, n2);
        }
        s.groups.set(g.name, cg);
      }
    }
    return s;
  }

  /**
   * Rebuild from the listpacks of an RDB payload (master id + element list per
   * node). Returns null when the structure is not a valid stream node.
   */
  static nodeFromElements(master: StreamID, els: string[]): StreamNode | null {
    const int = (s: string | undefined): bigint | null => (s === undefined ? null : parseLongLong(s));
    let p = 0;
    const count = int(els[p++]), del = int(els[p++]), nmf = int(els[p++]);
    if (count === null || del === null || nmf === null || nmf < 0n || count < 0n || del < 0n) return null;
    const mf: string[] = [];
    for (let i = 0n; i < nmf; i++) { if (p >= els.length) return null; mf.push(els[p++]); }
    if (els[p++] !== '0') return null;
    const node = new StreamNode(master, mf);
    let live = 0, dead = 0;
    while (p < els.length) {
      const flags = int(els[p++]), dms = int(els[p++]), dseq = int(els[p++]);
      if (flags === null || dms === null || dseq === null) return null;
      const same = (flags & BigInt(FLAG_SAMEFIELDS)) !== 0n;
      let nf: bigint | null = nmf;
      if (!same) { nf = int(els[p++]); if (nf === null || nf < 0n) return null; }
      const fv: string[] = [];
      for (let i = 0n; i < nf; i++) {
        if (same) { fv.push(mf[Number(i)]); } else { if (p >= els.length) return null; fv.push(els[p++]); }
        if (p >= els.length) return null;
        fv.push(els[p++]);
      }
      const lpc = int(els[p++]);
      if (lpc === null || lpc !== (same ? nf + 3n : nf * 2n + 4n)) return null;
      const id = makeId((idMs(master) + dms) & U64, (idSeq(master) + dseq) & U64);
      const f = Number(flags);
      const size = entrySize(node, id, fv, same);
      node.entries.push({ id, fv, flags: f, size });
      node.entriesBytes += size;
      if (f & FLAG_DELETED) dead++; else live++;
    }
    if (BigInt(live) !== count || BigInt(dead) !== del) return null;
    for (let i = 1; i < node.entries.length; i++) if (node.entries[i].id <= node.entries[i - 1].id) return null;
    node.count = live; node.deleted = dead;
    return node;
  }
}

/** The 16-byte big-endian radix tree key of an id (streamEncodeID). */
export function encodeId(id: StreamID): string {
  let s = '';
  for (let i = 15; i >= 0; i--) s += String.fromCharCode(Number((id >> BigInt(i * 8)) & 0xffn));
  return s;
}

export function decodeId(s: string): StreamID {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
}
