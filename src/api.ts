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
import type { ReplyOf } from './reply-types.js';

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
    case 'array': case 'set': case 'push': case 'seq':
      if (depth >= MAX_JS_RECURSION) return jsDeep(r, opts, resp);
      return r.v.map((x) => jsAt(x, opts, resp, depth + 1));
    case 'map': {
      if (depth >= MAX_JS_RECURSION) return jsDeep(r, opts, resp);
      if (resp === 2) return r.v.flatMap(([k, v]) => [jsAt(k, opts, resp, depth + 1), jsAt(v, opts, resp, depth + 1)]);
      const o: Record<string, unknown> = {};
      for (const [k, v] of r.v) o[String(jsAt(k, NO_OPTS, resp, depth + 1))] = jsAt(v, opts, resp, depth + 1);
      return o;
    }
    case 'double': return resp === 2 ? jsAt({ t: 'bulk', v: r.s ?? formatDouble(r.v) }, opts, 2, depth) : r.s === undefined ? r.v : Number(r.s);
    case 'bool': return resp === 2 ? (r.v ? 1 : 0) : r.v;
    case 'bignum': return resp === 2 ? r.v : BigInt(r.v);
    // Attributes and push frames decorate the reply; the caller gets the reply itself.
    case 'attr': return jsAt(r.v, opts, resp, depth);
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
    case 'array': case 'set': case 'push': case 'seq':
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

/**
 * An out-of-band frame as test code sees it. Strings are UTF-8 text; `frame` is the
 * Reply value itself (exact bytes through encodeReply).
 */
export type PushEvent =
  | { type: 'message'; channel: string; message: string; frame: Reply }
  | { type: 'pmessage'; pattern: string; channel: string; message: string; frame: Reply }
  | { type: 'smessage'; channel: string; message: string; frame: Reply }
  /** Client-side caching: the keys to drop, or null after FLUSHALL/FLUSHDB. */
  | { type: 'invalidate'; keys: string[] | null; frame: Reply }
  /** A MONITOR line, without the leading '+'. */
  | { type: 'monitor'; line: string; frame: Reply }
  | { type: 'push'; value: unknown; frame: Reply };

function pushEvent(f: Reply): PushEvent {
  if (f.t === 'status') return { type: 'monitor', line: toText(f.v), frame: f };
  const items = f.t === 'push' || f.t === 'array' ? f.v : null;
  const str = (i: number): string => { const x = items![i]; return x && x.t === 'bulk' ? toText(x.v) : ''; };
  const kind = items && items[0]?.t === 'bulk' ? items[0].v : '';
  if (kind === 'message' && items!.length === 3) return { type: 'message', channel: str(1), message: str(2), frame: f };
  if (kind === 'smessage' && items!.length === 3) return { type: 'smessage', channel: str(1), message: str(2), frame: f };
  if (kind === 'pmessage' && items!.length === 4) return { type: 'pmessage', pattern: str(1), channel: str(2), message: str(3), frame: f };
  if (kind === 'invalidate' && items!.length === 2) {
    const k = items![1];
    return { type: 'invalidate', keys: k.t === 'array' ? k.v.map((x) => (x.t === 'bulk' ? toText(x.v) : '')) : null, frame: f };
  }
  return { type: 'push', value: toJs(f), frame: f };
}

type PushListener = (e: PushEvent) => void;

export class Connection {
  private pending: Promise<unknown> | null = null;
  private readonly listeners = new Set<PushListener>();
  constructor(readonly sim: RedSim, readonly client: Client) {
    // Listeners run after the command that published returns, never inside it.
    client.deliver = (frame) => {
      if (this.listeners.size === 0) return;
      const e = pushEvent(frame);
      queueMicrotask(() => { for (const l of [...this.listeners]) l(e); });
    };
  }

  /**
   * Out-of-band frames this connection receives (pub/sub messages, tracking
   * invalidations, MONITOR lines). Returns a function that removes the listener.
   */
  onPush(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Listen to one kind of push: on('message', e => ...), on('pmessage'), on('invalidate'), on('monitor'). */
  on<T extends PushEvent['type']>(type: T, listener: (e: Extract<PushEvent, { type: T }>) => void): () => void {
    return this.onPush((e) => { if (e.type === type) listener(e as Extract<PushEvent, { type: T }>); });
  }

  /**
   * The pushes as an async iterator, from the moment it is created:
   * `for await (const m of conn.pushes()) ...`. Buffers while nobody awaits;
   * ends when the connection closes or the loop breaks.
   */
  pushes(): AsyncIterableIterator<PushEvent> {
    const queue: PushEvent[] = [];
    let waiter: ((r: IteratorResult<PushEvent>) => void) | null = null;
    let done = false;
    const off = this.onPush((e) => {
      if (waiter) { const w = waiter; waiter = null; w({ value: e, done: false }); } else queue.push(e);
    });
    const finish = (): IteratorResult<PushEvent> => {
      done = true; off(); this.closers.delete(end);
      if (waiter) { const w = waiter; waiter = null; w({ value: undefined, done: true }); }
      return { value: undefined, done: true };
    };
    const end = () => { finish(); };
    this.closers.add(end);
    const it: AsyncIterableIterator<PushEvent> = {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done || this.client.closed) return Promise.resolve(finish());
        return new Promise((resolve) => { waiter = resolve; });
      },
      return: () => Promise.resolve(finish()),
      [Symbol.asyncIterator]() { return it; },
    };
    return it;
  }
  private readonly closers = new Set<() => void>();

  get id(): number { return this.client.id; }

  /** Run a command and get its Reply value (a Promise only when it blocks or a script yields). */
  send(...args: Arg[]): Reply | Promise<Reply> { return this.run(args); }

  /** send() on an args array this connection may convert in place. */
  private run(args: Arg[]): Reply | Promise<Reply> {
    const argv = toArgv(args);
    if (this.pending) {
      // Keep per-connection order while an earlier command is still blocked.
      const p = this.pending.then(() => this.exec(argv));
      this.track(p);
      return p;
    }
    const r = this.exec(argv);
    // SHUTDOWN closed the instance: the caller gets no reply, as a TCP client sees the connection close.
    if (this.sim.isShutdown) throw new ServerClosedError();
    if (r instanceof Promise) this.track(r);
    return r;
  }

  /** Execute; a reply followed by pushes Redis writes after it hands those to the listeners. */
  private exec(argv: string[]): Reply | Promise<Reply> {
    const r = this.sim.execute(this.client, argv);
    if (r instanceof Promise || r.t !== 'seq' || !r.pushTail) return r;
    for (let i = 1; i < r.v.length; i++) this.client.deliver?.(r.v[i]);
    return r.v[0];
  }

  private track(p: Promise<unknown>): void {
    const q: Promise<unknown> = p.then(() => { if (this.pending === q) this.pending = null; }, () => { if (this.pending === q) this.pending = null; });
    this.pending = q;
  }

  /**
   * Run a command; resolves to a JS value (typed per command: see reply-types.ts),
   * rejects with ReplyError on an error reply.
   */
  call<C extends string>(cmd: C, ...args: Arg[]): Promise<ReplyOf<C>>;
  call(...args: Arg[]): Promise<unknown>;
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

  /**
   * Synchronous call: throws ReplyError on error replies. A command that would block
   * (BLPOP on an empty list, ...) is refused with an Error and leaves nothing behind:
   * the client is not blocked and nothing changed. A script that yields (runs past
   * busy-reply-threshold) cannot be refused up front: it goes on running, and the
   * Error says so.
   */
  callSync<C extends string>(cmd: C, ...args: Arg[]): ReplyOf<C>;
  callSync(...args: Arg[]): unknown;
  callSync(...args: Arg[]): unknown {
    if (this.pending) throw new Error('callSync: an earlier command on this connection is still blocked; await it or use call()');
    const c = this.client;
    c.refuseBlocking = true;
    c.refusedBlock = false;
    let r: Reply | Promise<Reply>;
    try { r = this.run(args); } finally { c.refuseBlocking = false; }
    if (c.refusedBlock) {
      c.refusedBlock = false;
      this.pending = null;
      throw new Error('callSync: the command would block (nothing was done); use call() for blocking commands');
    }
    if (r instanceof Promise) throw new Error('callSync: the script is still running (it yielded past busy-reply-threshold); use call()');
    return unwrap(r, NO_OPTS, c.resp);
  }

  close(): void {
    this.sim.closeClient(this.client);
    for (const end of [...this.closers]) end();
  }
}

function unwrap(r: Reply, opts: ToJsOptions, resp: 2 | 3): unknown {
  if (r.t === 'error') throw new ReplyError(r.v);
  return toJs(r, opts, resp);
}
