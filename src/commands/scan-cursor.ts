/**
 * The cursor scheme behind SCAN, HSCAN, SSCAN and ZSCAN.
 *
 * Redis walks its hash table in reverse-binary bucket order; redsim containers are
 * insertion-ordered, so a cursor is a slot position in the container's slot index
 * (src/types/indexed.ts): O(COUNT) per call, and every element present for the whole
 * scan is returned (duplicates possible, as in Redis); the last page answers cursor 0.
 *
 * Option parsing and errors follow Redis's scanGenericCommand exactly.
 */
import { err, E, type Reply } from '../reply.js';
import { parseLongLong } from '../util/float.js';
import { scanIndexed, type Indexed, type ScanPage } from '../types/indexed.js';

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

export type { ScanPage } from '../types/indexed.js';

/**
 * One SCAN step over a container's elements (Map keys or Set members): up to `count`
 * elements from `cursor` on, O(count) per call (see src/types/indexed.ts). A call at
 * cursor 0 with count >= size returns everything at once.
 */
export function scanContainer(c: Indexed, cursor: bigint, count: number): ScanPage {
  return scanIndexed(c, cursor, count);
}
