/**
 * In-process API for test code: many cheap isolated instances, several clients per
 * instance, replies as JS values (errors as ReplyError with Redis's exact text) or as
 * Reply values.
 */
import { ServerClosedError, type RedSim } from './server.js';
import type { Client } from './client.js';
import type { Reply } from './reply.js';
import { fromText, toText, fromBuffer, toBuffer, isAscii } from './util/bytes.js';
import { encodeReply } from './resp/encode.js';
import { formatDouble } from './util/float.js';

/** A Redis error reply. `message` is Redis's text, e.g. "ERR syntax error". */
export class ReplyError extends Error {
  override name = 'ReplyError';
  constructor(message: string) { super(message); }
  /** The error code: the first word (ERR, WRONGTYPE, EXECABORT, ...). */
  get code(): string { return this.message.split(' ', 1)[0]; }
}

export type Arg = string | number | bigint | Buffer | Uint8Array;

export interface ToJsOptions { /** Bulk strings as Buffers instead of UTF-8 text. */ buffers?: boolean }

function argToBytes(a: Arg): string {
  if (typeof a === 'string') return fromText(a);
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  return fromBuffer(a);
}

/**
 * The args as byte strings, converted in place: `args` is always a fresh rest-parameter
 * array owned by the caller here, so the common all-ASCII-strings case allocates nothing.
 */
function toArgv(args: Arg[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string' || !isAscii(a)) args[i] = argToBytes(a);
  }
  return args as string[];
}

const NO_OPTS: ToJsOptions = {};
const BUFFER_OPTS: ToJsOptions = { buffers: true };

/**
 * Convert a Reply to a plain JS value as a client of that protocol sees it: with
 * RESP2 maps are flat arrays, doubles are strings and booleans are 1/0 (what ioredis
 * and node-redis return); with RESP3 maps are objects. Nested errors become
 * ReplyError objects.
 */
export function toJs(r: Reply, opts: ToJsOptions = NO_OPTS, resp: 2 | 3 = 2): unknown {
  return jsAt(r, opts, resp, 0);
}

/** Nesting converted by plain recursion; deeper subtrees (scripts reach ~8,000) go to jsDeep. */
const MAX_JS_RECURSION = 256;

function jsAt(r: Reply, opts: ToJsOptions, resp: 2 | 3, depth: number): unknown {
  switch (r.t) {
    case 'status': return r.v;
    case 'error': return new ReplyError(r.v);
    case 'int': return typeof r.v === 'bigint' && r.v >= BigInt(Number.MIN_SAFE_INTEGER) && r.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r.v) : r.v;
    case 'bulk': case 'verbatim': return opts.buffers ? toBuffer(r.v) : toText(r.v);
    case 'nil': case 'nilarray': return null;
    case 'array': case 'set': case 'push':
      if (depth >= MAX_JS_RECURSION) return jsDeep(r, opts, resp);
      return r.v.map((x) => jsAt(x, opts, resp, depth + 1));
    case 'map': {
      if (depth >= MAX_JS_RECURSION) return jsDeep(r, opts, resp);
      if (resp === 2) return r.v.flatMap(([k, v]) => [jsAt(k, opts, resp, depth + 1), jsAt(v, opts, resp, depth + 1)]);
      const o: Record<string, unknown> = {};
      for (const [k, v] of r.v) o[String(jsAt(k, NO_OPTS, resp, depth + 1))] = jsAt(v, opts, resp, depth + 1);
      return o;
    }
    case 'double': return resp === 2 ? jsAt({ t: 'bulk', v: formatDouble(r.v) }, opts, 2, depth) : r.v;
    case 'bool': return resp === 2 ? (r.v ? 1 : 0) : r.v;
    case 'bignum': return resp === 2 ? r.v : BigInt(r.v);
    // Attributes and push frames decorate the reply; the caller gets the reply itself.
    case 'attr': case 'withpush': return jsAt(r.v, opts, resp, depth);
  }
}

/**
 * An aggregate under conversion: `src` its children in order (a map's keys and
 * values interleaved), `out` the container handed to the parent when opened.
 * A RESP3 map (obj) keeps the converted key until its value arrives; the key
 * is complete by then, so String(key) sees all of it.
 */
interface JsFrame { src: readonly Reply[]; i: number; opts: ToJsOptions; obj: boolean; out: unknown[] | Record<string, unknown>; key: unknown }

function openJs(r: Reply, opts: ToJsOptions, resp: 2 | 3): JsFrame | null {
  switch (r.t) {
    case 'array': case 'set': case 'push':
      return { src: r.v, i: 0, opts, obj: false, out: [], key: undefined };
    case 'map': {
      const src: Reply[] = [];
      for (const [k, v] of r.v) src.push(k, v);
      const obj = resp === 3;
      return { src, i: 0, opts, obj, out: obj ? {} : [], key: undefined };
    }
    default:
      return null;
  }
}

/** toJs with an explicit stack: no JS recursion at any depth. */
function jsDeep(root: Reply, opts: ToJsOptions, resp: 2 | 3): unknown {
  const first = openJs(root, opts, resp)!;
  const stack: JsFrame[] = [first];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i === f.src.length) { stack.pop(); continue; }
    const i = f.i++;
    const x = f.src[i];
    const isKey = f.obj && (i & 1) === 0;
    const o = isKey ? NO_OPTS : f.opts;
    const sub = openJs(x, o, resp);
    const v = sub === null ? jsAt(x, o, resp, 0) : sub.out;
    if (sub !== null) stack.push(sub);
    if (isKey) f.key = v;
    else if (f.obj) (f.out as Record<string, unknown>)[String(f.key)] = v;
    else (f.out as unknown[]).push(v);
  }
  return first.out;
}

export class Connection {
  private pending: Promise<unknown> | null = null;
  constructor(readonly sim: RedSim, readonly client: Client) {}

  get id(): number { return this.client.id; }

  /** Run a command and get its Reply value (a Promise only when it blocks or a script yields). */
  send(...args: Arg[]): Reply | Promise<Reply> { return this.run(args); }

  /** send() on an args array this connection may convert in place. */
  private run(args: Arg[]): Reply | Promise<Reply> {
    const argv = toArgv(args);
    if (this.pending) {
      // Keep per-connection order while an earlier command is still blocked.
      const p = this.pending.then(() => this.sim.execute(this.client, argv));
      this.track(p);
      return p;
    }
    const r = this.sim.execute(this.client, argv);
    // SHUTDOWN closed the instance: the caller gets no reply, as a TCP client sees the connection close.
    if (this.sim.isShutdown) throw new ServerClosedError();
    if (r instanceof Promise) this.track(r);
    return r;
  }

  private track(p: Promise<unknown>): void {
    const q: Promise<unknown> = p.then(() => { if (this.pending === q) this.pending = null; }, () => { if (this.pending === q) this.pending = null; });
    this.pending = q;
  }

  /** Run a command; resolves to a JS value, rejects with ReplyError on an error reply. */
  call(...args: Arg[]): Promise<unknown> {
    // Not an async function: a synchronous reply settles the promise directly.
    let r: Reply | Promise<Reply>;
    try { r = this.run(args); } catch (e) { return Promise.reject(e); }
    if (r instanceof Promise) return r.then((x) => unwrap(x, NO_OPTS, this.client.resp));
    try { return Promise.resolve(unwrap(r, NO_OPTS, this.client.resp)); } catch (e) { return Promise.reject(e); }
  }

  /** Like call, with bulk strings as Buffers. */
  async callBuffer(...args: Arg[]): Promise<unknown> {
    const r = await this.run(args);
    return unwrap(r, BUFFER_OPTS, this.client.resp);
  }

  /** Run a command and get the reply as the exact RESP bytes Redis would send (RESP2 or RESP3 per HELLO). */
  async callRaw(...args: Arg[]): Promise<Buffer> {
    const r = await this.run(args);
    return encodeReply(r, this.client.resp);
  }

  /** Synchronous call: throws ReplyError on error replies, and Error if the command would block. */
  callSync(...args: Arg[]): unknown {
    const r = this.run(args);
    if (r instanceof Promise) throw new Error('command blocked: use call() for blocking commands');
    return unwrap(r, NO_OPTS, this.client.resp);
  }

  close(): void { this.sim.closeClient(this.client); }
}

function unwrap(r: Reply, opts: ToJsOptions, resp: 2 | 3): unknown {
  if (r.t === 'error') throw new ReplyError(r.v);
  return toJs(r, opts, resp);
}
