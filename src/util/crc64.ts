/** Redis's crc64 (Jones polynomial, reflected, init 0), used by DUMP/RESTORE and FUNCTION DUMP payloads. */
const CRC_LO = new Uint32Array(256);
const CRC_HI = new Uint32Array(256);
(() => {
  const polyHi = 0x95ac9329, polyLo = 0xac4bc9b5; // bit-reflection of 0xad93d23594c935a9
  for (let i = 0; i < 256; i++) {
    let lo = i, hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) { lo = (lo ^ polyLo) >>> 0; hi = (hi ^ polyHi) >>> 0; }
    }
    CRC_LO[i] = lo; CRC_HI[i] = hi;
  }
})();

/** crc64(0, bytes) as Redis computes it; returned as 8 little-endian bytes (latin1). */
export function crc64(s: string): string {
  return new Crc64().update(s).digest();
}

/** Incremental crc64, for data written in pieces (an RDB file). */
export class Crc64 {
  private lo = 0;
  private hi = 0;
  update(s: string): this {
    let lo = this.lo, hi = this.hi;
    for (let i = 0; i < s.length; i++) {
      const t = (lo ^ s.charCodeAt(i)) & 0xff;
      lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ CRC_LO[t]) >>> 0;
      hi = ((hi >>> 8) ^ CRC_HI[t]) >>> 0;
    }
    this.lo = lo; this.hi = hi;
    return this;
  }
  /** The checksum so far as 8 little-endian bytes (latin1). */
  digest(): string { return le32(this.lo) + le32(this.hi); }
}

/** A 32-bit value as 4 little-endian bytes (latin1). */
export function le32(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

