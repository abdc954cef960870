/**
 * TCP front end: speaks RESP2/RESP3 to real clients (redis-cli, ioredis...) on
 * top of one RedSim instance.
 *
 * Per connection, commands run strictly in order. Every complete command in a
 * chunk is parsed at once and executed back to back; their replies are written
 * in one batch. A command that returns a Promise (blocking ops, yielding
 * scripts) holds back the rest of that connection's pipeline, as a blocked
 * client does in Redis, while other connections carry on.
 *
 * Output goes through a ReplyWriter (Buffers, big strings by reference) with
 * backpressure: a client whose pending output passes a bound has its commands
 * held and its socket unread until the socket drains, and the
 * client-output-buffer-limit of its class drops it, as Redis does.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RedSim } from '../server.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { RequestParser, TOO_BIG_ARG, TOO_BIG_ARG_ERROR } from '../resp/parser.js';
import { ReplyWriter, writeReply } from '../resp/encode.js';

/** A queued item: a command, or the protocol error that ends the input. */
type Job = { argv: string[] } | { protocolError: string };

/**
 * Pending output (not yet taken by the kernel) past which a client's queued
 * commands wait and its socket is not read until it drains; raised to the
 * class's output buffer limits so those are reached (and enforced) first.
 */
const OUT_HIGH = 4 * 1024 * 1024;
const EMPTY_CHUNK = Buffer.alloc(0);

class ConnectionHandler {
  private readonly parser = new RequestParser();
  private readonly queue: Job[] = [];
  private head = 0;
  private running = false;
  private closing = false;
  /** Waiting on a blocked command (BLPOP, yielding script...). */
  private blocked = false;
  /** Commands held until the socket drains (output past the bound). */
  private throttled = false;
  /** End the connection once all output is written. */
  private endPending = false;
  private readonly out = new ReplyWriter();
  /** Seconds (server time) since when the soft output limit has been reached; 0 = not reached. */
  private softSince = 0;
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
    this.parser.unauthenticated = () => sim.acl.authRequired(this.client);
    // CLIENT KILL from another connection: the core calls this hook.
    (this.client as Client & { onKill?: () => void }).onKill = () => socket.destroy();
    // Out-of-band frames (pub/sub, invalidations, MONITOR): appended in output order.
    this.client.deliver = (frame) => this.push(frame);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => {
      /* reset by peer etc.: 'close' follows */
    });
    socket.on('close', () => this.dispose());
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const cfg = this.sim.config;
    this.client.lastInteraction = this.sim.clock.now();
    this.parser.maxBulk = cfg.getNumber('proto-max-bulk-len');
    const { commands, error } = this.parser.feed(chunk);
    if (error === null && this.parser.buffered > cfg.getNumber('client-query-buffer-limit')) {
      // Redis frees the client without a reply ("Closing client that reached max query buffer length").
      this.socket.destroy();
      return;
    }
    for (const argv of commands) this.queue.push({ argv });
    if (error !== null) this.queue.push({ protocolError: error });
    if (!this.running && !this.blocked) this.run();
  }

  /** Execute queued jobs until the queue is empty, a command blocks or output must drain first. */
  private run(): void {
    if (this.socket.destroyed) return;
    this.running = true;
    const client = this.client;
    while (this.head < this.queue.length && !this.closing && !this.throttled) {
      const job = this.queue[this.head++];
      if ('protocolError' in job) {
        this.emit({ t: 'error', v: job.protocolError });
        // Redis stops reading and closes once the error is written.
        this.closing = true;
        break;
      }
      let r: Reply | Promise<Reply>;
      if (job.argv === TOO_BIG_ARG) {
        r = { t: 'error', v: TOO_BIG_ARG_ERROR };
      } else {
        try {
          r = this.sim.execute(client, job.argv);
        } catch (e) {
          if (this.sim.isShutdown) return;
          r = { t: 'error', v: `ERR internal error: ${(e as Error).message}` };
        }
      }
      if (r instanceof Promise) {
        // Blocked: send what is ready, resume when the reply arrives.
        this.blocked = true;
        this.running = false;
        this.flush();
        r.then(
          (reply) => this.resume(reply),
          (e: unknown) => this.resume({ t: 'error', v: `ERR internal error: ${(e as Error).message}` }),
        );
        return;
      }
      this.emit(r);
      if (client.closeAfterReply || client.closed) this.closing = true;
    }
    this.compact();
    this.flush();
    if (this.closing) this.endAfterFlush();
    this.running = false;
    // The parser waits for this client's commands to run before it reads the next one.
    if (this.parser.paused && !this.closing && !this.blocked && this.head >= this.queue.length) {
      setImmediate(() => { if (this.parser.paused && !this.running && !this.blocked) this.onData(EMPTY_CHUNK); });
    }
    // Held for output that the socket took at once: no 'drain' will come, go on shortly.
    if (this.throttled && !this.socket.writableNeedDrain) setImmediate(() => this.onDrain());
  }

  private resume(reply: Reply): void {
    this.blocked = false;
    if (this.socket.destroyed) return;
    this.emit(reply);
    if (this.client.closeAfterReply) this.closing = true;
    this.run();
  }

  /**
   * A push frame: joins the pending output (counted against the output buffer
   * limit like any reply); sent at the end of the current run or tick.
   */
  private push(frame: Reply): void {
    if (this.socket.destroyed || this.endPending) return;
    this.emit(frame);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => { this.flushQueued = false; if (!this.running) this.flush(); });
    }
  }
  private flushQueued = false;

  private emit(r: Reply): void {
    // Encoded after execution: HELLO's own reply already uses the new protocol.
    writeReply(this.out, r, this.client.resp);
    if (this.out.size >= 16384) this.checkOutput();
  }

  /** Bytes Redis would count in this client's output buffer. */
  private pendingOutput(): number {
    return this.out.size + this.socket.writableLength;
  }

  /**
   * Enforce client-output-buffer-limit for the client's class (checkClientOutputBufferLimits)
   * and hold the client's commands while its output is past the bound.
   */
  private checkOutput(): void {
    const used = this.pendingOutput();
    const lim = this.sim.config.outputBufferLimits()[this.client.pubsubMode ? 'pubsub' : this.client.outputClass];
    if (lim.hard > 0 && used >= lim.hard) { this.dropForOutputLimit(); return; }
    if (lim.soft > 0 && used >= lim.soft) {
      const nowSec = Math.floor(this.sim.clock.now() / 1000);
      if (this.softSince === 0) this.softSince = nowSec;
      else if (nowSec - this.softSince > lim.softSeconds) { this.dropForOutputLimit(); return; }
    } else {
      this.softSince = 0;
    }
    if (used > Math.max(OUT_HIGH, lim.hard, lim.soft)) this.throttled = true;
  }

  /** Redis: "scheduled to be closed ASAP for overcoming of output buffer limits": nothing more is written. */
  private dropForOutputLimit(): void {
    this.out.clear();
    this.closing = true;
    this.socket.destroy();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }

  /** Hand the socket what it takes now; the rest waits for 'drain'. */
  private flush(): void {
    const sock = this.socket;
    if (sock.destroyed) {
      this.out.clear();
      return;
    }
    for (let b = this.out.take(); b !== null; b = this.out.take()) {
      if (!sock.write(b)) {
        // Backpressure: stop reading while the client does not keep up.
        sock.pause();
        return;
      }
    }
  }

  private onDrain(): void {
    this.flush();
    if (this.socket.destroyed || this.socket.writableNeedDrain) return;
    if (this.out.empty) {
      if (this.endPending) { this.closeAfterWrites(); return; }
      this.softSince = 0;
    }
    if (this.throttled && this.pendingOutput() < OUT_HIGH / 2) this.throttled = false;
    if (!this.throttled && !this.closing) {
      this.socket.resume();
      if (!this.running && !this.blocked) this.run();
    }
  }

  /** Close after the last byte is written (Redis's CLIENT_CLOSE_AFTER_REPLY), reading nothing more. */
  private endAfterFlush(): void {
    this.socket.pause();
    if (this.out.empty && !this.socket.writableNeedDrain) this.closeAfterWrites();
    else this.endPending = true;
  }

  /** End, then close once the written bytes are out (works for a Duplex pair too). */
  private closeAfterWrites(): void {
    const sock = this.socket;
    sock.end(() => sock.destroy());
  }

  /** clientsCron: idle timeout and the soft output limit over time. */
  cron(nowMs: number): void {
    if (this.socket.destroyed) return;
    const timeout = this.sim.config.getNumber('timeout');
    const c = this.client;
    // Redis never times out replicas, monitors, blocked or pub/sub clients.
    if (timeout > 0 && !this.blocked && c.blocked === null && c.outputClass === 'normal' && !c.pubsubMode && !c.monitor && !this.sim.busy &&
      Math.floor(nowMs / 1000) - Math.floor(this.client.lastInteraction / 1000) > timeout) {
      this.socket.destroy();
      return;
    }
    if (this.softSince !== 0) this.checkOutput();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private dispose(): void {
    this.closing = true;
    this.queue.length = 0;
    this.head = 0;
    this.out.clear();
    this.client.deliver = null;
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

/** How often the clients cron runs (idle timeout, soft output limits), in ms of the server's clock. */
const CRON_MS = 100;

export class RedSimServer {
  private readonly server: net.Server;
  private readonly conns = new Set<ConnectionHandler>();
  private cronTimer: unknown = null;
  /** Connections refused because of maxclients (INFO's rejected_connections). */
  rejectedConnections = 0;

  constructor(readonly sim: RedSim) {
    this.server = net.createServer((socket) => {
      if (this.conns.size >= sim.config.getNumber('maxclients')) {
        this.rejectedConnections++;
        socket.on('error', () => { /* the peer may already be gone */ });
        socket.end('-ERR max number of clients reached\r\n');
        socket.destroySoon();
        return;
      }
      const h = new ConnectionHandler(sim, socket, (gone) => this.conns.delete(gone));
      this.conns.add(h);
    });
    // SHUTDOWN: stop serving (the command line also exits the process).
    sim.shutdownHooks.push(() => { void this.close(); });
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
        this.startCron();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  private startCron(): void {
    if (this.cronTimer) return;
    const tick = () => {
      this.cronTimer = this.sim.clock.setTimer(CRON_MS, tick);
      const now = this.sim.clock.now();
      for (const h of this.conns) h.cron(now);
    };
    this.cronTimer = this.sim.clock.setTimer(CRON_MS, tick);
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
      if (this.cronTimer) this.sim.clock.clearTimer(this.cronTimer);
      this.cronTimer = null;
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
      for (const h of [...this.conns]) h.destroy();
      this.sim.stop();
    });
  }
}
