/** liblzf as Redis builds it (HLOG 16, VERY_FAST), for RDB string compression. */
const HSIZE = 1 << 16;
const MAX_LIT = 1 << 5, MAX_OFF = 1 << 13, MAX_REF = (1 << 8) + (1 << 3);

/** lzf_compress(in, out_len): the compressed bytes, or null when they do not fit out_len. */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const inLen = input.length;
  if (!inLen || !outLen) return null;
  const htab = new Int32Array(HSIZE).fill(-1);
  const out = new Uint8Array(outLen + 1);
  const idx = (h: number) => ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1);
  let ip = 0, op = 0, lit = 0;
  const inEnd = inLen;
  op++; // start run
  let hval = ((input[0] << 8) | input[1]) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot];
    htab[slot] = ip;
    let off: number;
    if (ref > 0 && (off = ip - ref - 1) < MAX_OFF && off >= 0 && input[ref + 2] === input[ip + 2]
      && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLen) if (op - (lit ? 0 : 1) + 3 + 1 >= outLen) return null;
      out[op - lit - 1] = lit - 1; // stop run
      if (!lit) op--;
      // liblzf checks 16 bytes unrolled first; only a full unrolled run reaches the tail loop.
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) { len++; if (input[ref + len] !== input[ip + len]) { stopped = true; break; } }
      }
      if (!stopped) do len++; while (len < maxlen && input[ref + len] === input[ip + len]);
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else { out[op++] = (off >> 8) + (7 << 5); out[op++] = len - 7; }
      out[op++] = off & 0xff;
      lit = 0; op++;
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = ((input[ip] << 8) | input[ip + 1]) >>> 0;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++; out[op++] = input[ip++];
      if (lit === MAX_LIT) { out[op - lit - 1] = lit - 1; lit = 0; op++; }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inEnd) {
    lit++; out[op++] = input[ip++];
    if (lit === MAX_LIT) { out[op - lit - 1] = lit - 1; lit = 0; op++; }
  }
  out[op - lit - 1] = lit - 1;
  if (!lit) op--;
  return out.subarray(0, op);
}

export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  let ip = 0, op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > input.length) return null;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= input.length) return null;
      if (len === 7) { len += input[ip++]; if (ip >= input.length) return null; }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  return op === outLen ? out : null;
}

// ---------------------------------------------------------------- writer
