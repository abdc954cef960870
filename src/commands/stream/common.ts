/**
 * Pieces shared by the stream commands: id parsing (streamGenericParseIDOrReply),
 * the typed lookup, entry replies and Redis's formatted error texts.
 */
import type { Database } from '../../keyspace/db.js';
import type { StreamValue } from '../../keyspace/values.js';
import { array, bulk, err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { cstr } from '../../util/bytes.js';
import { ID_MAX, U64, idStr, makeId, Stream, type StreamEntry, type StreamID } from '../../types/stream.js';

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

/** A stream value, undefined when the key is missing, or the WRONGTYPE reply. */
export function streamOrErr(v: ReturnType<Database['lookupWrite']>): StreamValue | undefined | Reply {
  if (!v) return undefined;
  return v.type === 'stream' ? v : err(E.WRONGTYPE);
}

export const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 't' in x;

export function newStreamValue(): StreamValue {
  return { type: 'stream', v: new Stream(), enc: 'stream', lru: 0 };
}

/** Redis's string2ull: string2ll when it fits (negatives refused), else strtoull's rules. */
export function string2ull(s: string): bigint | null {
  const ll = parseLongLong(s);
  if (ll !== null) return ll < 0n ? null : ll;
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return null;
  let v = BigInt(digits);
  if (v > U64) return null;
  if (neg) v = -v & U64;
  return v;
}

export interface ParsedId { id: StreamID; seqGiven: boolean }

/**
 * streamGenericParseIDOrReply: "-" / "+" (unless strict), "<ms>", "<ms>-<seq>",
 * and "<ms>-*" when allowSeqAuto. The argument is read as a C string.
 */
export function parseStreamId(arg: string, missingSeq: bigint, strict: boolean, allowSeqAuto = false): ParsedId | null {
  if (arg.length > 127) return null;
  const buf = cstr(arg);
  if (strict && (buf === '-' || buf === '+')) return null;
  if (buf === '-') return { id: 0n, seqGiven: true };
  if (buf === '+') return { id: ID_MAX, seqGiven: true };
  const dash = buf.indexOf('-');
  const ms = string2ull(dash < 0 ? buf : buf.slice(0, dash));
  if (ms === null) return null;
  let seq = missingSeq, seqGiven = true;
  if (dash >= 0) {
    const rest = buf.slice(dash + 1);
    if (allowSeqAuto && rest === '*') { seq = 0n; seqGiven = false; } else {
      const s = string2ull(rest);
      if (s === null) return null;
      seq = s;
    }
  }
  return { id: makeId(ms, seq), seqGiven };
}

/** An id argument or the error reply (streamParseIDOrReply / streamParseStrictIDOrReply). */
export function idOrErr(arg: string, missingSeq: bigint, strict: boolean): StreamID | Reply {
  const p = parseStreamId(arg, missingSeq, strict);
  return p ? p.id : err(INVALID_ID);
}

/** streamParseIntervalIDOrReply: "(" makes the bound exclusive (then strict parsing). */
export function intervalOrErr(arg: string, missingSeq: bigint): { id: StreamID; ex: boolean } | Reply {
  const ex = arg.length > 1 && arg[0] === '(';
  const p = ex ? parseStreamId(arg.slice(1), missingSeq, true) : parseStreamId(arg, missingSeq, false);
  return p ? { id: p.id, ex } : err(INVALID_ID);
}

/** [id, [field, value, ...]] */
export function entryReply(e: StreamEntry): Reply {
  const fv: Reply[] = new Array(e.fv.length);
  for (let i = 0; i < e.fv.length; i++) fv[i] = bulk(e.fv[i]);
  return array([bulk(idStr(e.id)), array(fv)]);
}

export function idReply(id: StreamID): Reply { return bulk(idStr(id)); }

/** addReplyErrorFormat's treatment of %s arguments: C string, no CR/LF. */
export function fmt(s: string): string {
  return cstr(s).replace(/[\r\n]/g, ' ');
}

/** A C long long argument or null. */
export const parseLL = parseLongLong;

/** addReplySubcommandSyntaxError. */
export function subcommandSyntaxError(argv: string[]): Reply {
  return err(`ERR unknown subcommand or wrong number of arguments for '${fmt(argv[1]).slice(0, 128)}'. Try ${cstr(argv[0]).replace(/[a-z]/g, (c) => c.toUpperCase())} HELP.`);
}

export function noGroupErr(key: string, group: string, suffix = ''): Reply {
  return err(`NOGROUP No such key '${fmt(key)}' or consumer group '${fmt(group)}'${suffix}`);
}
