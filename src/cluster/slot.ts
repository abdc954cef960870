/**
 * Redis Cluster's key-to-slot mapping (cluster.c keyHashSlot): CRC16 (XMODEM:
 * polynomial 0x1021, initial value 0, as crc16.c) of the key, or of its hash tag,
 * modulo 16384. The tag is the text between the first '{' and the first '}' after
 * it, used only when non-empty; otherwise the whole key is hashed.
 */
export const CLUSTER_SLOTS = 16384;

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC16/XMODEM of the bytes s[start, end) of a byte string (one char per byte). */
export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ s.charCodeAt(i)) & 0xff];
  return crc;
}

/** The hash slot (0..16383) of a key given as a byte string. */
export function keyHashSlot(key: string): number {
  const s = key.indexOf('{');
  if (s === -1) return crc16(key) & 0x3fff;
  const e = key.indexOf('}', s + 1);
  // No '}' or an empty tag: the whole key.
  if (e === -1 || e === s + 1) return crc16(key) & 0x3fff;
  return crc16(key, s + 1, e) & 0x3fff;
}
