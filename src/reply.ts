/**
 * Replies are values until the edge: handlers build these, and the RESP2/RESP3
 * encoders (src/resp/encode.ts) and the redis-cli renderer turn them into bytes/text.
 *
 * All Redis strings inside redsim are "byte strings": JS strings whose every char
 * code is 0..255 (one char per byte, latin1). See src/util/bytes.ts.
 */
export type Reply =
  | { t: 'status'; v: string }          // +OK
  | { t: 'error'; v: string }           // -ERR ... (v includes the code prefix, e.g. "ERR syntax error")
  | { t: 'int'; v: number | bigint }    // :1
  | { t: 'bulk'; v: string }            // $3\r\nfoo (byte string)
  | { t: 'nil' }                        // RESP2 $-1, RESP3 _
  | { t: 'nilarray' }                   // RESP2 *-1, RESP3 _
  | { t: 'array'; v: Reply[] }          // *N
  | { t: 'map'; v: Array<[Reply, Reply]> } // RESP3 %N, RESP2 flat array of 2N
  | { t: 'set'; v: Reply[] }            // RESP3 ~N, RESP2 array
  | { t: 'double'; v: number; s?: string } // RESP3 ,1.5  RESP2 bulk string: s, or v as Redis formats doubles
  | { t: 'bool'; v: boolean }           // RESP3 #t/#f, RESP2 :1/:0
  | { t: 'verbatim'; fmt: string; v: string } // RESP3 =, RESP2 bulk
  | { t: 'bignum'; v: string }          // RESP3 (, RESP2 bulk
  | { t: 'push'; v: Reply[] }           // RESP3 >, RESP2 array
  /** RESP3 attribute frame (|N pairs) followed by the reply it decorates; RESP2 sends only `v`. */
  | { t: 'attr'; attrs: Array<[Reply, Reply]>; v: Reply }
  /**
   * Several replies written back to back (SUBSCRIBE a b answers one frame per channel);
   * empty = nothing written (CLIENT REPLY OFF). Only at top level or as an EXEC element,
   * where Redis too just appends the frames to the output. pushTail: v[0] is the
   * command's reply and the rest are pushes Redis writes after it (the caller's own
   * MONITOR line, deferred invalidations).
   */
  | { t: 'seq'; v: Reply[]; pushTail?: boolean };

export const OK: Reply = Object.freeze({ t: 'status', v: 'OK' }) as Reply;
export const QUEUED: Reply = Object.freeze({ t: 'status', v: 'QUEUED' }) as Reply;
export const PONG: Reply = Object.freeze({ t: 'status', v: 'PONG' }) as Reply;
export const NIL: Reply = Object.freeze({ t: 'nil' }) as Reply;
export const NILARRAY: Reply = Object.freeze({ t: 'nilarray' }) as Reply;
export const EMPTY_ARRAY: Reply = Object.freeze({ t: 'array', v: Object.freeze([]) as unknown as Reply[] }) as Reply;
export const ZERO: Reply = Object.freeze({ t: 'int', v: 0 }) as Reply;
export const ONE: Reply = Object.freeze({ t: 'int', v: 1 }) as Reply;

const smallInts: Reply[] = [];
for (let i = -1; i < 1024; i++) smallInts[i + 1] = Object.freeze({ t: 'int', v: i }) as Reply;

export const status = (v: string): Reply => ({ t: 'status', v });
/** `v` must include the error code, e.g. err('ERR syntax error'), err('WRONGTYPE ...'). */
export const err = (v: string): Reply => ({ t: 'error', v });
export const int = (v: number | bigint): Reply =>
  typeof v === 'number' && v >= -1 && v < 1023 && Number.isInteger(v) ? smallInts[v + 1] : { t: 'int', v };
export const bulk = (v: string): Reply => ({ t: 'bulk', v });
export const bulkOrNil = (v: string | null | undefined): Reply => (v == null ? NIL : { t: 'bulk', v });
export const array = (v: Reply[]): Reply => ({ t: 'array', v });
export const bulks = (v: string[]): Reply => ({ t: 'array', v: v.map((s) => ({ t: 'bulk', v: s }) as Reply) });
export const map = (v: Array<[Reply, Reply]>): Reply => ({ t: 'map', v });
export const set = (v: Reply[]): Reply => ({ t: 'set', v });
export const double = (v: number): Reply => ({ t: 'double', v });
export const bool = (v: boolean): Reply => ({ t: 'bool', v });
export const verbatim = (v: string, fmt = 'txt'): Reply => ({ t: 'verbatim', fmt, v });
export const seq = (v: Reply[]): Reply => ({ t: 'seq', v });
export const push = (v: Reply[]): Reply => ({ t: 'push', v });
export const bignum = (v: string): Reply => ({ t: 'bignum', v });

export const attr = (attrs: Array<[Reply, Reply]>, v: Reply): Reply => ({ t: 'attr', attrs, v });
/** The reply itself without the attribute frames around it (what a client's call returns). */
export const plain = (r: Reply): Reply => (r.t === 'attr' ? plain(r.v) : r);

/**
 * Error replies already counted in the error stats (a script error raised or
 * returned from redis.call/pcall): the caller's reply is not counted again.
 */
export const noErrorStats = new WeakSet<Reply>();

export const isError = (r: Reply): r is { t: 'error'; v: string } => r.t === 'error';

/** Shared error texts, exactly as Redis 7.0 writes them (without the leading '-'). */
export const E = {
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  SYNTAX: 'ERR syntax error',
  NOT_INT: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  NO_KEY: 'ERR no such key',
  OUT_OF_RANGE: 'ERR index out of range',
  DB_INDEX: 'ERR DB index is out of range',
  OVERFLOW: 'ERR increment or decrement would overflow',
} as const;

export const errWrongType = (): Reply => err(E.WRONGTYPE);
export const errSyntax = (): Reply => err(E.SYNTAX);
export const errNotInt = (): Reply => err(E.NOT_INT);
export const errNotFloat = (): Reply => err(E.NOT_FLOAT);
export const errArity = (name: string): Reply => err(`ERR wrong number of arguments for '${name}' command`);
