/** Per-connection state, as Redis's `client` struct keeps it. */
import type { Database, WatchEntry } from './keyspace/db.js';
import type { CommandSpec } from './commands/table.js';
import type { User } from './acl/user.js';

export interface QueuedCommand { spec: CommandSpec; argv: string[] }

export class Client {
  db: Database;
  resp: 2 | 3 = 2;
  name = '';
  /** In MULTI (queueing). */
  multi = false;
  queue: QueuedCommand[] = [];
  /** A command was rejected while queueing: EXEC answers EXECABORT. */
  dirtyExec = false;
  /** A watched key was modified: EXEC answers a null array. */
  dirtyCas = false;
  /** The watched key whose change last set dirtyCas (every path sets both; explain mode reads it). */
  dirtyCasKey: string | null = null;
  watched: WatchEntry[] = [];
  /** Set by QUIT (and protocol errors): the front end closes after writing the reply. */
  closeAfterReply = false;
  /** Blocked on keys (BLPOP...): the unblock/cancel hook. */
  blocked: { cancel: (r?: import('./reply.js').Reply) => void } | null = null;
  /** Set during the in-process callSync: a command that would block is refused instead (refusedBlock records it). */
  refuseBlocking = false;
  refusedBlock = false;
  readonly createdAt: number;
  lastInteraction: number;
  lastCommand = 'NULL';
  /** Redis's CLIENT_NO_EVICT/NO_TOUCH etc. are not modelled; these are for CLIENT LIST/INFO. */
  addr: string;
  laddr: string;
  kind: 'normal' | 'script' = 'normal';
  /** The AOF loading client (Redis's mustObeyClient): its commands skip limits meant for users (XADD LIMIT). */
  mustObey = false;
  /** The ACL user (set by the server on creation; a script client runs as its caller's user). */
  user!: User;
  /** AUTH/HELLO succeeded, or the default user needed no password when the client connected. */
  authenticated = false;
  closed = false;
  /**
   * Which client-output-buffer-limit class applies besides pub/sub (Redis's
   * getClientType): a client in pubsubMode counts as 'pubsub' whatever this says.
   */
  outputClass: 'normal' | 'pubsub' | 'replica' = 'normal';
  /**
   * Push sink: out-of-band frames (pub/sub messages, invalidations, MONITOR lines) are
   * handed here in output order. Each front end (src/net/server.ts, src/api.ts) attaches one.
   */
  deliver: ((frame: import('./reply.js').Reply) => void) | null = null;
  /** Pub/sub subscriptions (src/pubsub/), in subscription order. */
  subChannels = new Set<string>();
  subPatterns = new Set<string>();
  subShard = new Set<string>();
  /** Redis's CLIENT_PUBSUB: set by (P|S)SUBSCRIBE, cleared when nothing is left. */
  pubsubMode = false;
  /** Pushes to write after the reply of the command running now (see RedSim.execute). */
  afterReply: import('./reply.js').Reply[] | null = null;
  /** CLIENT TRACKING state (src/pubsub/tracking.ts); null when tracking is off. */
  tracking: import('./pubsub/tracking.js').TrackingState | null = null;
  /** CLIENT REPLY OFF / SKIP (this command) / SKIP (set by CLIENT REPLY SKIP, for the next one). */
  replyOff = false;
  replySkip = false;
  replySkipNext = false;
  /** In MONITOR mode (server.monitors holds it). */
  monitor = false;

  constructor(public readonly id: number, db: Database, now: number, opts: { addr?: string; laddr?: string } = {}) {
    this.db = db;
    this.createdAt = now;
    this.lastInteraction = now;
    this.addr = opts.addr ?? `127.0.0.1:${40000 + (id % 20000)}`;
    this.laddr = opts.laddr ?? '127.0.0.1:6379';
  }
}
