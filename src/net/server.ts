/**
 * TCP front end: speaks RESP2/RESP3 to real clients (redis-cli, ioredis...) on
 * top of one RedSim instance.
 *
 * Per connection, commands run strictly in order. Every complete command in a
 * chunk is parsed at once and executed back to back; their replies are written
 * in one batch. A command that returns a Promise (blocking ops, yielding
 * scripts) holds back the rest of that connection's pipeline, as a blocked
 * client does in Redis, while other connections carry on.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RedSim } from '../server.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { RequestParser } from '../resp/parser.js';
import { encodeReplyString } from '../resp/encode.js';

/** A queued item: a command, or the protocol error that ends the input. */
type Job = { argv: string[] } | { protocolError: string };

class ConnectionHandler {
  private readonly parser = new RequestParser();
  private readonly queue: Job[] = [];
  private head = 0;
  private running = false;
  private closing = false;
  private out = '';
  readonly client: Client;

  constructor(
    private readonly sim: RedSim,
    private readonly socket: net.Socket,
    private readonly onGone: (h: ConnectionHandler) => void,
  ) {
    this.client = sim.createClient({
      addr: `${socket.remoteAddress ?? '127.0.0.1'}:${socket.remotePort ?? 0}`,
      laddr: `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? 0}`,
    });
    // CLIENT KILL from another connection: the core calls this hook.
    (this.client as Client & { onKill?: () => void }).onKill = () => socket.destroy();
    // Out-of-band frames (pub/sub, invalidations, MONITOR): appended in output order.
    this.client.deliver = (frame) => this.push(frame);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', () => {
      /* reset by peer etc.: 'close' follows */
    });
    socket.on('close', () => this.dispose());
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const { commands, error } = this.parser.feed(chunk);
    for (const argv of commands) this.queue.push({ argv });
    if (error !== null) this.queue.push({ protocolError: error });
    if (!this.running) this.run();
  }

  /** Execute queued jobs until the queue is empty or a command blocks. */
  private run(): void {
    this.running = true;
    while (this.head < this.queue.length && !this.closing) {
      const job = this.queue[this.head++];
      if ('protocolError' in job) {
        this.emit({ t: 'error', v: job.protocolError });
        this.client.closeAfterReply = true;
      } else {
        let r: Reply | Promise<Reply>;
        try {
          r = this.sim.execute(this.client, job.argv);
        } catch (e) {
          r = { t: 'error', v: `ERR internal error: ${(e as Error).message}` };
        }
        if (r instanceof Promise) {
          // Blocked: send what is ready, resume when the reply arrives.
          this.flush();
          r.then(
            (reply) => this.resume(reply),
            (e: unknown) => this.resume({ t: 'error', v: `ERR internal error: ${(e as Error).message}` }),
          );
          return;
        }
        this.emit(r);
      }
      if (this.client.closeAfterReply || this.client.closed) this.closing = true;
    }
    this.compact();
    this.flush();
    if (this.closing) this.socket.end();
    this.running = false;
  }

  private resume(reply: Reply): void {
    if (this.socket.destroyed) return;
    this.emit(reply);
    if (this.client.closeAfterReply) this.closing = true;
    this.run();
  }

  private emit(r: Reply): void {
    // Encoded after execution: HELLO's own reply already uses the new protocol.
    this.out += encodeReplyString(r, this.client.resp);
  }

  /** A push frame: joins the pending output; sent at the end of the current run or tick. */
  private push(frame: Reply): void {
    this.emit(frame);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => { this.flushQueued = false; this.flush(); });
    }
  }
  private flushQueued = false;

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }

  private flush(): void {
    if (this.out.length === 0 || this.socket.destroyed) {
      this.out = '';
      return;
    }
    const ok = this.socket.write(Buffer.from(this.out, 'latin1'));
    this.out = '';
    // Backpressure: stop reading while the client does not keep up.
    if (!ok) this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private dispose(): void {
    this.closing = true;
    this.queue.length = 0;
    this.head = 0;
    this.sim.closeClient(this.client);
    this.onGone(this);
  }
}

/**
 * Serve one already-connected socket (or a socket-shaped Duplex such as the
 * in-memory pair of src/adapters/memory-socket.ts) with the same connection
 * handling as the TCP server: one code path for every byte-speaking client.
 */
export function serveSocket(sim: RedSim, socket: net.Socket, onGone: () => void = () => {}): { destroy(): void } {
  return new ConnectionHandler(sim, socket, () => onGone());
}

export interface ListenOptions {
  port?: number;
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
}

export class RedSimServer {
  private readonly server: net.Server;
  private readonly conns = new Set<ConnectionHandler>();

  constructor(readonly sim: RedSim) {
    this.server = net.createServer((socket) => {
      const h = new ConnectionHandler(sim, socket, (gone) => this.conns.delete(gone));
      this.conns.add(h);
    });
  }

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  listen(opts: ListenOptions = {}): Promise<AddressInfo> {
    const port = opts.port ?? 6379;
    const host = opts.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get address(): AddressInfo | null {
    return this.server.address() as AddressInfo | null;
  }

  get connections(): number {
    return this.conns.size;
  }

  /** Stop accepting, drop every connection, stop the simulator's timers. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const h of [...this.conns]) h.destroy();
      this.sim.stop();
    });
  }
}
