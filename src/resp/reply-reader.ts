/**
 * Incremental reader of RESP2/RESP3 *replies* (what a server sends), used by the
 * command-table generator, the differential test harness and the benchmarks.
 * The grammar is parser.ts's parseReply; this only buffers socket chunks.
 * next() returns one Reply, or undefined until a whole reply has arrived;
 * nextRaw() also returns the exact bytes of that reply.
 */
import type { Reply } from '../reply.js';
import { parseReply } from './parser.js';

export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  push(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
  }

  /** Returns a reply and its exact bytes, or undefined if no complete reply is buffered. */
  nextRaw(): { reply: Reply; raw: Buffer } | undefined {
    const r = parseReply(this.buf, this.pos);
    if (r === null) return undefined;
    const raw = this.buf.subarray(this.pos, r.end);
    this.pos = r.end;
    return { reply: r.reply, raw };
  }

  /** Returns a reply, or undefined if the buffer holds no complete one yet. */
  next(): Reply | undefined {
    return this.nextRaw()?.reply;
  }
}
