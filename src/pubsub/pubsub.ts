/**
 * The server's pub/sub registry (Redis's server.pubsub_channels / pubsub_patterns /
 * pubsubshard_channels) and the frames it sends. Subscribers of one channel are
 * kept in subscription order (Redis appends to a list); a Set keeps that order and
 * gives O(1) removal. Frames go out through client.deliver (the push sink each
 * front end attaches), so they interleave with normal replies in output order.
 */
import type { Client } from '../client.js';
import { bulk, int, push, NIL, type Reply } from '../reply.js';
import { globMatch } from '../util/glob.js';

const B = (s: string): Reply => Object.freeze({ t: 'bulk', v: s }) as Reply;
const SUBSCRIBE = B('subscribe');
const UNSUBSCRIBE = B('unsubscribe');
const PSUBSCRIBE = B('psubscribe');
const PUNSUBSCRIBE = B('punsubscribe');
const SSUBSCRIBE = B('ssubscribe');
const SUNSUBSCRIBE = B('sunsubscribe');
const MESSAGE = B('message');
const PMESSAGE = B('pmessage');
const SMESSAGE = B('smessage');

/** Channel + pattern subscriptions (clientSubscriptionsCount). */
export function subscriptionCount(c: Client): number { return c.subChannels.size + c.subPatterns.size; }
export function shardSubscriptionCount(c: Client): number { return c.subShard.size; }
function totalCount(c: Client): number { return subscriptionCount(c) + shardSubscriptionCount(c); }

/** Send an out-of-band frame to a client (dropped when no front end listens). */
export function deliver(c: Client, frame: Reply): void {
  if (c.deliver !== null && !c.closed) c.deliver(frame);
}

/**
 * A push Redis writes after the running command's reply (the caller's own MONITOR
 * line, deferred invalidations): queued behind the reply when `c` is that caller.
 */
export function deliverAfterReply(server: { currentClient: Client | null }, c: Client, frame: Reply): void {
  if (c === server.currentClient && !c.closed) (c.afterReply ??= []).push(frame);
  else deliver(c, frame);
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shard = new Map<string, Set<Client>>();

  /** SUBSCRIBE / SSUBSCRIBE one channel: the confirmation frame. */
  subscribe(c: Client, channel: string, sharded: boolean): Reply {
    const mine = sharded ? c.subShard : c.subChannels;
    if (!mine.has(channel)) {
      mine.add(channel);
      const all = sharded ? this.shard : this.channels;
      let subs = all.get(channel);
      if (!subs) { subs = new Set(); all.set(channel, subs); }
      subs.add(c);
    }
    return push([sharded ? SSUBSCRIBE : SUBSCRIBE, bulk(channel), int(sharded ? shardSubscriptionCount(c) : subscriptionCount(c))]);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE one channel (channel null: "was subscribed to nothing"). */
  unsubscribe(c: Client, channel: string | null, sharded: boolean): Reply {
    if (channel !== null) {
      const mine = sharded ? c.subShard : c.subChannels;
      if (mine.delete(channel)) {
        const all = sharded ? this.shard : this.channels;
        const subs = all.get(channel)!;
        subs.delete(c);
        if (subs.size === 0) all.delete(channel);
      }
    }
    return push([sharded ? SUNSUBSCRIBE : UNSUBSCRIBE, channel === null ? NIL : bulk(channel),
      int(sharded ? shardSubscriptionCount(c) : subscriptionCount(c))]);
  }

  psubscribe(c: Client, pattern: string): Reply {
    if (!c.subPatterns.has(pattern)) {
      c.subPatterns.add(pattern);
      let subs = this.patterns.get(pattern);
      if (!subs) { subs = new Set(); this.patterns.set(pattern, subs); }
      subs.add(c);
    }
    return push([PSUBSCRIBE, bulk(pattern), int(subscriptionCount(c))]);
  }

  punsubscribe(c: Client, pattern: string | null): Reply {
    if (pattern !== null && c.subPatterns.delete(pattern)) {
      const subs = this.patterns.get(pattern)!;
      subs.delete(c);
      if (subs.size === 0) this.patterns.delete(pattern);
    }
    return push([PUNSUBSCRIBE, pattern === null ? NIL : bulk(pattern), int(subscriptionCount(c))]);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE without arguments: one frame per channel, or one null frame. */
  unsubscribeAll(c: Client, sharded: boolean): Reply[] {
    const frames: Reply[] = [];
    for (const ch of [...(sharded ? c.subShard : c.subChannels)]) frames.push(this.unsubscribe(c, ch, sharded));
    if (frames.length === 0) frames.push(this.unsubscribe(c, null, sharded));
    return frames;
  }

  punsubscribeAll(c: Client): Reply[] {
    const frames: Reply[] = [];
    for (const p of [...c.subPatterns]) frames.push(this.punsubscribe(c, p));
    if (frames.length === 0) frames.push(this.punsubscribe(c, null));
    return frames;
  }

  /** Leave the subscribed state if nothing is left (the CLIENT_PUBSUB flag). */
  updateMode(c: Client): void { if (totalCount(c) === 0) c.pubsubMode = false; }

  /** RESET and connection close: drop every subscription silently. */
  dropClient(c: Client): void {
    for (const ch of [...c.subChannels]) this.unsubscribe(c, ch, false);
    for (const ch of [...c.subShard]) this.unsubscribe(c, ch, true);
    for (const p of [...c.subPatterns]) this.punsubscribe(c, p);
    c.pubsubMode = false;
  }

  /**
   * PUBLISH / SPUBLISH: channel subscribers in subscription order, then (not for
   * shard channels) every matching pattern's subscribers. Returns the receivers.
   */
  publish(channel: string, message: string, sharded: boolean): number {
    let receivers = 0;
    const subs = (sharded ? this.shard : this.channels).get(channel);
    if (subs) {
      const frame = push([sharded ? SMESSAGE : MESSAGE, bulk(channel), bulk(message)]);
      for (const c of subs) { deliver(c, frame); receivers++; }
    }
    if (sharded || this.patterns.size === 0) return receivers;
    let chBulk: Reply | null = null;
    let msgBulk: Reply | null = null;
    for (const [pattern, psubs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      chBulk ??= bulk(channel);
      msgBulk ??= bulk(message);
      const frame = push([PMESSAGE, bulk(pattern), chBulk, msgBulk]);
      for (const c of psubs) { deliver(c, frame); receivers++; }
    }
    return receivers;
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS. */
  channelList(pattern: string | null, sharded: boolean): string[] {
    const out: string[] = [];
    for (const ch of (sharded ? this.shard : this.channels).keys()) {
      if (pattern === null || globMatch(pattern, ch)) out.push(ch);
    }
    return out;
  }

  numsub(channel: string, sharded: boolean): number {
    return (sharded ? this.shard : this.channels).get(channel)?.size ?? 0;
  }
}
