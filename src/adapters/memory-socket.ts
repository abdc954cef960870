/**
 * An in-memory connection: a pair of Duplex streams shaped like net.Socket, so a
 * real client library (ioredis, node-redis) on one end and redsim's own RESP
 * connection handler (src/net/server.ts) on the other speak the same bytes as over
 * TCP, with no port anywhere. Bytes written on one end are pushed to the other in
 * a microtask: never re-entrantly inside the writer's write() call (clients queue
 * a command after writing it), and never an extra event-loop turn.
 */
import { Duplex } from 'node:stream';

let nextPort = 1;

/** One end. The socket-only methods that clients call (timeouts, keep-alive) are accepted; nothing is there to tune. */
export class MemorySocket extends Duplex {
  peer: MemorySocket | null = null;
  connecting = false;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteFamily = 'IPv4';
  private pending: Buffer[] = [];
  private scheduled = false;
  private timeoutMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private wantsRead = true;

  constructor(local: { address: string; port: number }, remote: { address: string; port: number }) {
    super({ allowHalfOpen: false });
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
  }

  override _read(): void {
    this.wantsRead = true;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed) { cb(new Error('connection closed')); return; }
    this.touch();
    peer.enqueue(chunk);
    cb();
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed) { cb(new Error('connection closed')); return; }
    this.touch();
    for (const c of chunks) peer.enqueue(c.chunk);
    cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    // Half-close: the peer reads end-of-stream after what is already queued.
    const peer = this.peer;
    if (peer && !peer.destroyed) peer.enqueue(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.clearTimer();
    const peer = this.peer;
    this.peer = null;
    if (peer && !peer.destroyed) {
      peer.peer = null;
      // The other side sees the connection drop after the bytes already in flight.
      peer.enqueue(null);
      queueMicrotask(() => { if (!peer.destroyed) peer.destroy(); });
    }
    cb(err);
  }

  /**
   * Set on redsim's end: bytes from the client are handled at once, inside the
   * client's write(), so a command has reached the server (a BLPOP is blocked,
   * a write applied) when the client's call returns; a test can then move the
   * virtual clock right away. Replies travel back in a microtask.
   */
  immediate = false;

  /** Bytes (or end-of-stream as null) from the peer, delivered in one microtask batch. */
  private enqueue(chunk: Buffer | null): void {
    if (this.immediate && chunk !== null && this.pending.length === 0 && !this.pendingEnd) {
      if (!this.destroyed) { this.touch(); this.wantsRead = this.push(chunk); }
      return;
    }
    if (chunk === null) this.pendingEnd = true;
    else this.pending.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.deliver());
    }
  }

  private pendingEnd = false;

  private deliver(): void {
    this.scheduled = false;
    if (this.destroyed) return;
    const chunks = this.pending;
    this.pending = [];
    if (chunks.length) this.touch();
    for (const c of chunks) this.wantsRead = this.push(c);
    if (this.pendingEnd) { this.pendingEnd = false; this.push(null); }
  }

  // net.Socket API that clients call.
  setNoDelay(_noDelay?: boolean): this { return this; }
  setKeepAlive(_enable?: boolean, _delay?: number): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }
  address(): { address: string; family: string; port: number } { return { address: this.localAddress, family: 'IPv4', port: this.localPort }; }

  /** net.Socket's idle timeout: 'timeout' after ms without traffic. */
  setTimeout(ms: number, cb?: () => void): this {
    this.timeoutMs = ms;
    if (cb) this.once('timeout', cb);
    this.touch();
    return this;
  }

  private touch(): void {
    this.clearTimer();
    if (this.timeoutMs > 0 && !this.destroyed) {
      this.timer = setTimeout(() => this.emit('timeout'), this.timeoutMs);
      this.timer.unref();
    }
  }

  private clearTimer(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  }

  /** Whether the reading side asked for more (false while its buffer is full). */
  get readWanted(): boolean { return this.wantsRead; }
}

/**
 * A connected pair: `client` for the library, `server` for redsim's connection
 * handler. The client end emits 'connect' in a microtask, as a socket does once
 * connected (listeners are attached by then).
 */
export function socketPair(): { client: MemorySocket; server: MemorySocket } {
  const port = nextPort++;
  const clientAddr = { address: '127.0.0.1', port: 40000 + (port % 20000) };
  const serverAddr = { address: '127.0.0.1', port: 6379 };
  const client = new MemorySocket(clientAddr, serverAddr);
  const server = new MemorySocket(serverAddr, clientAddr);
  client.peer = server;
  server.peer = client;
  server.immediate = true;
  client.connecting = true;
  queueMicrotask(() => {
    if (client.destroyed) return;
    client.connecting = false;
    client.emit('connect');
    client.emit('ready');
  });
  return { client, server };
}
