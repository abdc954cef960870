/**
 * Incremental reader of RESP2/RESP3 *replies* (what a server sends), used by the
 * command-table generator, the differential test harness and the benchmarks.
 * next() returns one Reply, or undefined until a whole reply has arrived;
 * nextRaw() also returns the exact bytes of that reply.
 */
import type { Reply } from '../reply.js';

export class ReplyReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  push(chunk: Buffer) { this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]); this.pos = 0; }
  /** Returns a reply and its exact bytes, or undefined if no complete reply is buffered. */
  nextRaw(): { reply: Reply; raw: Buffer } | undefined {
    const start = this.pos;
    const reply = this.next();
    return reply === undefined ? undefined : { reply, raw: this.buf.subarray(start, this.pos) };
  }
  /** Returns a reply, or undefined if the buffer holds no complete one yet. */
  next(): Reply | undefined {
    const start = this.pos;
    try { return this.read(); } catch (e) { if (e === INCOMPLETE) { this.pos = start; return undefined; } throw e; }
  }
  private line(): string {
    const i = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (i < 0) throw INCOMPLETE;
    const s = this.buf.toString('latin1', this.pos, i);
    this.pos = i + 2;
    return s;
  }
  private read(): Reply {
    if (this.pos >= this.buf.length) throw INCOMPLETE;
    const type = String.fromCharCode(this.buf[this.pos++]);
    const l = this.line();
    switch (type) {
      case '+': return { t: 'status', v: l };
      case '-': return { t: 'error', v: l };
      case ':': { const n = Number(l); return { t: 'int', v: Number.isSafeInteger(n) ? n : BigInt(l) }; }
      case '_': return { t: 'nil' };
      case '#': return { t: 'bool', v: l === 't' };
      case ',': return { t: 'double', v: l === 'inf' ? Infinity : l === '-inf' ? -Infinity : l === 'nan' ? NaN : Number(l) };
      case '(': return { t: 'bignum', v: l };
      case '$': case '=': {
        const n = Number(l);
        if (n < 0) return { t: 'nil' };
        if (this.pos + n + 2 > this.buf.length) throw INCOMPLETE;
        const s = this.buf.toString('latin1', this.pos, this.pos + n);
        this.pos += n + 2;
        return type === '$' ? { t: 'bulk', v: s } : { t: 'verbatim', fmt: s.slice(0, 3), v: s.slice(4) };
      }
      case '*': case '~': case '>': {
        const n = Number(l);
        if (n < 0) return { t: 'nilarray' };
        const v: Reply[] = [];
        for (let i = 0; i < n; i++) v.push(this.read());
        return type === '*' ? { t: 'array', v } : type === '~' ? { t: 'set', v } : { t: 'push', v };
      }
      case '%': {
        const n = Number(l);
        const v: Array<[Reply, Reply]> = [];
        for (let i = 0; i < n; i++) v.push([this.read(), this.read()]);
        return { t: 'map', v };
      }
      default: throw new Error(`unexpected RESP type byte ${type}`);
    }
  }
}
const INCOMPLETE = Symbol('incomplete');
