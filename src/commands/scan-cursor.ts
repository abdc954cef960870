/**
 * The cursor scheme behind SCAN, HSCAN, SSCAN and ZSCAN.
 *
 * Redis walks its hash table in reverse-binary bucket order; redsim containers are
 * insertion-ordered JS Maps/Sets, so the cursor is a position in a per-container
 * sequence instead: every element gets a sequence number the first time a scan sees
 * it, and a cursor means "continue from sequence number N". Elements present for the
 * whole scan keep their number and are returned exactly once; the last page answers
 * cursor 0. Numbers live in a WeakMap next to the container, so nothing leaks.
 *
 * Option parsing and errors follow Redis's scanGenericCommand exactly.
 */
import { err, E, type Reply } from '../reply.js';
import { parseLongLong } from '../util/float.js';

export interface ScanOptions {
  /** COUNT (default 10). */
  count: number;
  /** MATCH pattern, or null when absent or exactly "*". */
  pattern: string | null;
  /** TYPE name (SCAN only), or null. */
  type: string | null;
}

const ULONG_MAX = 18446744073709551615n;

/**
 * Redis parseScanCursorOrReply (strtoul): optional sign, decimal digits; a leading
 * space, trailing garbage or overflow is "ERR invalid cursor". "" is cursor 0 and
 * negative values wrap around as in C.
 */
export function parseScanCursor(arg: string): bigint | Reply {
  const bad = err('ERR invalid cursor');
  if (arg.length === 0) return 0n;
  const c0 = arg.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return bad;
  const m = /^([+-]?)([0-9]+)$/.exec(arg);
  if (!m) return bad;
  let v = BigInt(m[2]);
  if (v > ULONG_MAX) return bad;
  if (m[1] === '-' && v !== 0n) v = ULONG_MAX + 1n - v;
  return v;
}

/**
 * Parse SCAN-family options starting at argv[from]. `allowType` is true only for SCAN
 * (the TYPE option over the keyspace). Returns the options or the error reply.
 */
export function parseScanOptions(argv: string[], from: number, allowType: boolean): ScanOptions | Reply {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  let i = from;
  while (i < argv.length) {
    const left = argv.length - i;
    const opt = argv[i].toLowerCase();
    if (opt === 'count' && left >= 2) {
      const n = parseLongLong(argv[i + 1]);
      if (n === null) return err(E.NOT_INT);
      if (n < 1n) return err(E.SYNTAX);
      o.count = n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
      i += 2;
    } else if (opt === 'match' && left >= 2) {
      const p = argv[i + 1];
      o.pattern = p === '*' ? null : p;
      i += 2;
    } else if (opt === 'type' && allowType && left >= 2) {
      o.type = argv[i + 1];
      i += 2;
    } else {
      return err(E.SYNTAX);
    }
  }
  return o;
}

interface SeqIndex { seqOf: Map<string, number>; next: number }

const INDEX = new WeakMap<object, SeqIndex>();

type Container = ReadonlyMap<string, unknown> | ReadonlySet<string>;

/** Bring the container's sequence index up to date: drop gone elements, number new ones. */
function syncIndex(c: Container): SeqIndex {
  let ix = INDEX.get(c);
  if (!ix) {
    ix = { seqOf: new Map(), next: 1 };
    INDEX.set(c, ix);
  }
  const seqOf = ix.seqOf;
  if (seqOf.size > 0) for (const k of seqOf.keys()) if (!c.has(k)) seqOf.delete(k);
  if (seqOf.size !== c.size) for (const k of c.keys()) if (!seqOf.has(k)) seqOf.set(k, ix.next++);
  return ix;
}

export interface ScanPage {
  /** Next cursor as Redis prints it ("0" when the scan is complete). */
  cursor: string;
  /** Elements of this page (before MATCH/TYPE filtering, as in Redis). */
  items: string[];
}

/**
 * One SCAN step over a container's elements (Map keys or Set members): up to `count`
 * elements from `cursor` on, in a stable order. Pass count = Infinity to return
 * everything at once (Redis does that for listpack/intset encodings).
 */
export function scanContainer(c: Container, cursor: bigint, count: number): ScanPage {
  if (!Number.isFinite(count) || count >= c.size) {
    if (cursor === 0n) return { cursor: '0', items: [...c.keys()] };
  }
  const ix = syncIndex(c);
  const items: string[] = [];
  const from = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(cursor);
  let last = -1;
  let more = false;
  // seqOf iterates in increasing sequence order (numbers are only ever appended).
  for (const [k, seq] of ix.seqOf) {
    if (seq < from) continue;
    if (items.length >= count) { more = true; break; }
    items.push(k);
    last = seq;
  }
  return { cursor: more ? String(last + 1) : '0', items };
}
