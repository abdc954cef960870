/**
 * CLIENT PAUSE / CLIENT UNPAUSE (Redis's pauseClients, networking.c). A paused
 * client's command is held, not refused: processCommand parks it and runs it again
 * from the start once the pause is lifted, so every check sees the state of that
 * moment. Expiry and eviction also stop while clients are paused (the dataset stays
 * static), see isClientPaused's callers.
 */
import { registerAll } from '../registry.js';
import { OK, err, type Reply } from '../../reply.js';
import { parseLongLongNum } from '../../util/float.js';
import { subcommandSyntaxError } from '../server/debug.js';
import type { RedSim } from '../../server.js';
import type { Client } from '../../client.js';

/** Redis's pause types, least to most restrictive (compared numerically). */
export const PAUSE_OFF = 0;
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;

interface Held { client: Client; run: () => void }

/** The pause of one server. Only CLIENT PAUSE sets one here (no shutdown/failover purposes). */
export class ClientPause {
  /** The pause event of the CLIENT PAUSE purpose, if any. */
  private event: { type: number; end: number } | null = null;
  type = PAUSE_OFF;
  end = 0;
  /** Postponed clients, in the order they were held (Redis's postponed_clients list). */
  private held: Held[] = [];
  private timer: unknown = null;

  constructor(private readonly server: RedSim) {}

  pause(end: number, type: number): void {
    if (this.event === null) this.event = { type, end };
    else { this.event.type = Math.max(this.event.type, type); this.event.end = Math.max(this.event.end, end); }
    this.update();
  }

  unpause(): void {
    this.event = null;
    this.update();
  }

  /** checkClientPauseTimeoutAndReturnIfPaused: lift an elapsed pause; are clients still paused? */
  check(): boolean {
    if (this.type === PAUSE_OFF) return false;
    if (this.end < this.server.now()) this.update();
    return this.type !== PAUSE_OFF;
  }

  /** updateClientPauseTypeAndEndTime: a pause ends once its end time is in the past. */
  private update(): void {
    const old = this.type;
    if (this.event !== null && this.event.end < this.server.now()) this.event = null;
    this.type = this.event?.type ?? PAUSE_OFF;
    this.end = this.event?.end ?? 0;
    const clock = this.server.clock;
    if (this.timer !== null) { clock.clearTimer(this.timer); this.timer = null; }
    // The pause ends when the time passes its end (Redis notices in its cron; here a timer on the same clock).
    if (this.type !== PAUSE_OFF) this.timer = clock.setTimer(this.end - this.server.now() + 1, () => { this.timer = null; this.check(); });
    if (this.type < old) this.release();
  }

  /** unblockPostponedClients: every held command is processed again, in order (it may be held again). */
  private release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.run();
  }

  /** Hold a command; `rerun` processes it again when the pause becomes less restrictive. */
  hold(client: Client, rerun: () => Reply | Promise<Reply>): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      this.held.push({
        client,
        run: () => {
          // A client killed while held never runs its command (Redis frees it).
          if (client.closed) { resolve(err('ERR client closed while paused')); return; }
          try { resolve(rerun()); } catch (e) { resolve(err(`ERR internal error: ${(e as Error).message}`)); }
        },
      });
    });
  }
}

export function pauseOf(server: RedSim): ClientPause {
  let p = server.ext.clientPause as ClientPause | undefined;
  if (p === undefined) { p = new ClientPause(server); server.ext.clientPause = p; }
  return p;
}

/** Are clients paused now (lifting an elapsed pause first)? Expiry and eviction ask this. */
export function isClientPaused(server: RedSim): boolean {
  const p = server.ext.clientPause as ClientPause | undefined;
  return p !== undefined && p.check();
}

registerAll({
  'client|pause'(ctx, argv) {
    if (argv.length > 4) return subcommandSyntaxError('CLIENT', argv[1]);
    let type = PAUSE_ALL;
    if (argv.length === 4) {
      const mode = argv[3].toLowerCase();
      if (mode === 'write') type = PAUSE_WRITE;
      else if (mode !== 'all') return err('ERR CLIENT PAUSE mode must be WRITE or ALL');
    }
    // getTimeoutFromObjectOrReply in milliseconds: 0 means an end time of 0 (already over).
    const t = parseLongLongNum(argv[2]);
    if (t === null) return err('ERR timeout is not an integer or out of range');
    if (t < 0) return err('ERR timeout is negative');
    pauseOf(ctx.server).pause(t > 0 ? ctx.server.now() + t : 0, type);
    return OK;
  },
  'client|unpause'(ctx) {
    pauseOf(ctx.server).unpause();
    return OK;
  },
});
