/**
 * Serving entries to readers (streamReplyWithRange and its consumer-group side):
 * moving a group's last-delivered id and read counter, creating or reassigning
 * pending entries, and replaying a consumer's own history from its PEL.
 */
import type { Ctx } from '../../context.js';
import { array, NILARRAY, type Reply } from '../../reply.js';
import type { Stream, StreamConsumer, StreamGroup, StreamID, StreamNack } from '../../types/stream.js';
import { StreamConsumer as Consumer } from '../../types/stream.js';
import { entryReply, idReply } from './common.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

export const mstime = (ctx: Ctx): number => Math.floor(ctx.server.clock.now());

/** streamLookupConsumer (refreshing seen-time) or streamCreateConsumer (with its keyspace event). */
export function lookupOrCreateConsumer(ctx: Ctx, g: StreamGroup, name: string, key: string): { c: StreamConsumer; created: boolean } {
  let c = g.consumers.get(name);
  if (c) {
    c.seenTime = mstime(ctx);
    return { c, created: false };
  }
  c = new Consumer(name, mstime(ctx));
  g.consumers.set(name, c);
  notify(ctx, NOTIFY.STREAM, 'xgroup-createconsumer', key);
  return { c, created: true };
}

/**
 * Entries from start to end (inclusive), at most count (0: all). With a group:
 * advance its last id and, unless noack, record each entry as pending for the
 * consumer (taking it over from another consumer if needed).
 */
export function rangeReply(ctx: Ctx, s: Stream, start: StreamID, end: StreamID, count: number, rev: boolean,
  group?: StreamGroup, consumer?: StreamConsumer, noack = false): Reply[] {
  const out: Reply[] = [];
  const now = group && !noack ? mstime(ctx) : 0;
  for (const e of s.range(start, end, rev)) {
    if (group) s.advanceGroup(group, e.id);
    out.push(entryReply(e));
    if (group && !noack && consumer) {
      const existing = group.pel.get(e.id);
      if (!existing) {
        const nack: StreamNack = { deliveryTime: now, deliveryCount: 1n, consumer };
        group.pel.set(e.id, nack);
        consumer.pel.set(e.id, nack);
      } else {
        existing.consumer?.pel.delete(e.id);
        existing.consumer = consumer;
        existing.deliveryTime = now;
        existing.deliveryCount = 1n;
        consumer.pel.set(e.id, existing);
      }
    }
    if (count && out.length === count) break;
  }
  return out;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from start on. */
export function historyReply(ctx: Ctx, s: Stream, start: StreamID, count: number, consumer: StreamConsumer): Reply[] {
  const out: Reply[] = [];
  const pel = consumer.pel;
  const now = mstime(ctx);
  for (let i = pel.seek(start); i < pel.size && (!count || out.length < count); i++) {
    const id = pel.keyAt(i);
    const e = s.get(id);
    if (!e) out.push(array([idReply(id), NILARRAY]));
    else {
      out.push(entryReply(e));
      const nack = pel.get(id)!;
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
  return out;
}
