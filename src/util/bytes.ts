/**
 * Byte strings: redsim keeps every Redis string as a JS string with one char per
 * byte (latin1). This keeps Map keys and comparisons fast while staying binary-safe.
 * Conversion happens only at the edges (user API, sockets, Lua).
 */
const ASCII = /^[\x00-\x7f]*$/;

/** Every char below 0x80 (text and byte string coincide). */
export function isAscii(s: string): boolean {
  if (s.length > 64) return ASCII.test(s);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** JS (UTF-16) text -> byte string (UTF-8 bytes, one char per byte). */
export function fromText(s: string): string {
  if (isAscii(s)) return s;
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** byte string -> JS text, decoding the bytes as UTF-8. */
export function toText(b: string): string {
  if (isAscii(b)) return b;
  return Buffer.from(b, 'latin1').toString('utf8');
}

export function fromBuffer(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

export function toBuffer(b: string): Buffer {
  return Buffer.from(b, 'latin1');
}

export function toUint8(b: string): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

export function fromUint8(u: Uint8Array): string {
  let s = '';
  const CH = 8192;
  for (let i = 0; i < u.length; i += CH) s += String.fromCharCode.apply(null, u.subarray(i, i + CH) as unknown as number[]);
  return s;
}

/** Binary-safe comparison as memcmp then length (Redis's sdscmp / lexical order). */
export function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // latin1 chars compare by code unit == byte order
}

/**
 * The part of a byte string a C function sees: up to the first NUL. Redis passes
 * many arguments through printf("%s")/strtod/strcoll, which stop there.
 */
export function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}
