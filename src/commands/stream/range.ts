/** XRANGE, XREVRANGE, XLEN (xrangeGenericCommand, xlenCommand). */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { array, E, EMPTY_ARRAY, err, int, NILARRAY, type Reply, ZERO } from '../../reply.js';
import { ID_MAX } from '../../types/stream.js';
import { entryReply, intervalOrErr, isReply, parseLL, streamOrErr } from './common.js';

function xrange(ctx: Ctx, argv: string[], rev: boolean): Reply {
  const startArg = rev ? argv[3] : argv[2];
  const endArg = rev ? argv[2] : argv[3];
  const st = intervalOrErr(startArg, 0n);
  if (isReply(st)) return st;
  let start = st.id;
  if (st.ex) {
    if (start === ID_MAX) return err('ERR invalid start ID for the interval');
    start++;
  }
  const en = intervalOrErr(endArg, (1n << 64n) - 1n);
  if (isReply(en)) return en;
  let end = en.id;
  if (en.ex) {
    if (end === 0n) return err('ERR invalid end ID for the interval');
    end--;
  }
  let count = -1n;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'count' && argv.length - j - 1 >= 1) {
      const n = parseLL(argv[j + 1]);
      if (n === null) return err(E.NOT_INT);
      count = n < 0n ? 0n : n;
      j++;
    } else return err(E.SYNTAX);
  }
  const o = streamOrErr(ctx.db.lookupRead(argv[1]));
  if (isReply(o)) return o;
  if (!o) return EMPTY_ARRAY;
  if (count === 0n) return NILARRAY;
  const out: Reply[] = [];
  const max = count === -1n ? Infinity : Number(count);
  for (const e of o.v.range(start, end, rev)) {
    out.push(entryReply(e));
    if (out.length >= max) break;
  }
  return array(out);
}

registerAll({
  xrange: (ctx, argv) => xrange(ctx, argv, false),
  xrevrange: (ctx, argv) => xrange(ctx, argv, true),
  xlen(ctx, argv) {
    const o = streamOrErr(ctx.db.lookupRead(argv[1]));
    if (isReply(o)) return o;
    return o ? int(o.v.length) : ZERO;
  },
});
