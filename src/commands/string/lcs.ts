/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], as Redis 7.0's lcsCommand. */
import type { Ctx } from '../../context.js';
import { bulk, int, array, map, err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';

export function lcsCommand(ctx: Ctx, argv: string[]): Reply {
  const oa = ctx.db.lookupRead(argv[1]);
  const ob = ctx.db.lookupRead(argv[2]);
  if ((oa && oa.type !== 'string') || (ob && ob.type !== 'string')) {
    return err('ERR The specified keys must contain string values');
  }
  const a = oa ? (oa.v as string) : '';
  const b = ob ? (ob.v as string) : '';
  let getlen = false, getidx = false, withmatchlen = false;
  let minmatchlen = 0n;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'idx') getidx = true;
    else if (opt === 'len') getlen = true;
    else if (opt === 'withmatchlen') withmatchlen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const n = parseLongLong(argv[j + 1]);
      if (n === null) return err(E.NOT_INT);
      minmatchlen = n < 0n ? 0n : n;
      j++;
    } else return err(E.SYNTAX);
  }
  if (getlen && getidx) return err('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length, blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.server.config.getNumber('proto-max-bulk-len')) {
    return err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  // Dynamic programming table: T[i*(blen+1)+j] = LCS length of a[0..i) and b[0..j).
  const w = blen + 1;
  const T = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      T[i * w + j] = ai === b.charCodeAt(j - 1) ? T[(i - 1) * w + j - 1] + 1
        : Math.max(T[(i - 1) * w + j], T[i * w + j - 1]);
    }
  }
  const total = T[alen * w + blen];
  if (getlen && !getidx) return int(total);

  // Walk back from the end, collecting the LCS string and the matching ranges.
  const out: string[] = new Array(total);
  let idx = total;
  const matches: Reply[] = [];
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart == alen: no range open
  let i = alen, j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--; bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--; i--; j--;
    } else {
      if (T[(i - 1) * w + j] > T[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (getidx && (minmatchlen === 0n || BigInt(matchLen) >= minmatchlen)) {
        const m: Reply[] = [array([int(aStart), int(aEnd)]), array([int(bStart), int(bEnd)])];
        if (withmatchlen) m.push(int(matchLen));
        matches.push(array(m));
      }
      aStart = alen;
    }
  }
  if (getidx) return map([[bulk('matches'), array(matches)], [bulk('len'), int(total)]]);
  return bulk(out.join(''));
}
