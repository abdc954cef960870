/**
 * What `Connection.call` resolves to, per command, as the JS values toJs() builds
 * (RESP2 unless noted: after HELLO 3 maps are objects and doubles numbers, hence
 * the unions). Commands not listed resolve to `unknown`. Command names match in
 * any case: call('get', ...) and call('GET', ...) are both `string | null`.
 */
type Bulk = string | null;
type Arr<T = Bulk> = T[];
type MapReply = string[] | Record<string, string>;
type Score = string | number;

export interface CommandReplies {
  // strings
  GET: Bulk; GETDEL: Bulk; GETEX: Bulk; GETSET: Bulk; GETRANGE: string; SUBSTR: string;
  SET: 'OK' | Bulk; SETNX: number; SETEX: 'OK'; PSETEX: 'OK'; MSET: 'OK'; MSETNX: number; MGET: Arr;
  APPEND: number; STRLEN: number; SETRANGE: number;
  INCR: number; DECR: number; INCRBY: number; DECRBY: number; INCRBYFLOAT: string;
  // generic
  DEL: number; UNLINK: number; EXISTS: number; TOUCH: number; TYPE: string; RENAME: 'OK'; RENAMENX: number;
  EXPIRE: number; PEXPIRE: number; EXPIREAT: number; PEXPIREAT: number; PERSIST: number;
  TTL: number; PTTL: number; EXPIRETIME: number; PEXPIRETIME: number;
  KEYS: string[]; RANDOMKEY: Bulk; DBSIZE: number; COPY: number; MOVE: number;
  SCAN: [string, string[]]; FLUSHDB: 'OK'; FLUSHALL: 'OK'; SELECT: 'OK'; SWAPDB: 'OK';
  DUMP: Bulk; RESTORE: 'OK';
  // hashes
  HGET: Bulk; HSET: number; HSETNX: number; HMSET: 'OK'; HMGET: Arr; HDEL: number; HLEN: number; HSTRLEN: number;
  HEXISTS: number; HINCRBY: number; HINCRBYFLOAT: string; HKEYS: string[]; HVALS: string[]; HGETALL: MapReply;
  HSCAN: [string, string[]];
  // lists
  LPUSH: number; RPUSH: number; LPUSHX: number; RPUSHX: number; LPOP: Bulk | string[]; RPOP: Bulk | string[];
  LLEN: number; LRANGE: string[]; LINDEX: Bulk; LSET: 'OK'; LREM: number; LTRIM: 'OK'; LINSERT: number;
  LPOS: number | null | number[]; LMOVE: Bulk; RPOPLPUSH: Bulk;
  BLPOP: [string, string] | null; BRPOP: [string, string] | null; BLMOVE: Bulk; BRPOPLPUSH: Bulk;
  // sets
  SADD: number; SREM: number; SCARD: number; SISMEMBER: number; SMISMEMBER: number[]; SMEMBERS: string[];
  SPOP: Bulk | string[]; SRANDMEMBER: Bulk | string[]; SINTER: string[]; SUNION: string[]; SDIFF: string[];
  SINTERSTORE: number; SUNIONSTORE: number; SDIFFSTORE: number; SINTERCARD: number; SMOVE: number;
  SSCAN: [string, string[]];
  // sorted sets
  ZADD: number | Score | null; ZINCRBY: Score; ZSCORE: Score | null; ZMSCORE: (Score | null)[]; ZCARD: number;
  ZCOUNT: number; ZLEXCOUNT: number; ZRANK: number | null; ZREVRANK: number | null; ZREM: number;
  ZRANGE: string[]; ZRANGEBYSCORE: string[]; ZREVRANGE: string[]; ZREVRANGEBYSCORE: string[]; ZRANGEBYLEX: string[];
  ZRANGESTORE: number; ZREMRANGEBYSCORE: number; ZREMRANGEBYRANK: number; ZREMRANGEBYLEX: number;
  ZSCAN: [string, string[]];
  // transactions, scripting, connection
  MULTI: 'OK'; EXEC: unknown[] | null; DISCARD: 'OK'; WATCH: 'OK'; UNWATCH: 'OK';
  EVAL: unknown; EVALSHA: unknown; EVAL_RO: unknown; EVALSHA_RO: unknown; FCALL: unknown; FCALL_RO: unknown;
  PING: string; ECHO: string; TIME: [string, string]; PUBLISH: number;
  PFADD: number; PFCOUNT: number; PFMERGE: 'OK';
  SETBIT: number; GETBIT: number; BITCOUNT: number; BITPOS: number;
}

export type CommandName = keyof CommandReplies;

/** The reply type of a command name (any case), `unknown` for commands not listed. */
export type ReplyOf<C extends string> = Uppercase<C> extends CommandName ? CommandReplies[Uppercase<C>] : unknown;
