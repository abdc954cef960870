/**
 * redis-cli's human ("TTY") rendering of replies, as cliFormatReplyTTY in
 * redis-cli.c 7.0 prints them: `(integer) 1`, `"a"`, `1) ...`, `1# k => v`...
 *
 * redis-cli renders what hiredis decoded from the wire, so the reply is first
 * seen through the protocol version: in RESP2 a double is a bulk string, a map
 * a flat array, a boolean an integer, and so on.
 *
 * Output is a byte string (one char per byte): status/error/verbatim texts are
 * copied raw, bulk strings are escaped to ASCII.
 */
import type { Reply } from '../reply.js';
import { doubleText, type RespVersion } from './encode.js';

/** sdscatrepr: quote a byte string, escaping as redis-cli does. */
export function reprBytes(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        // isprint() in the C locale: 0x20..0x7e
        if (c >= 0x20 && c <= 0x7e) out += s[i];
        else out += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
    }
  }
  return out + '"';
}

/** C strings: printf("%s") and sdscat stop at the first NUL. */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

/** The reply as hiredis would hand it to redis-cli for this protocol version. */
type Wire =
  | { k: 'status' | 'error' | 'string' | 'verb' | 'double' | 'bignum'; s: string }
  | { k: 'integer'; n: number | bigint }
  | { k: 'nil' }
  | { k: 'bool'; b: boolean }
  | { k: 'array' | 'set' | 'push' | 'map'; items: Wire[] };

function toWire(r: Reply, resp: RespVersion): Wire {
  switch (r.t) {
    case 'status':
      return { k: 'status', s: r.v };
    case 'error':
      return { k: 'error', s: r.v };
    case 'int':
      return { k: 'integer', n: r.v };
    case 'bulk':
      return { k: 'string', s: r.v };
    case 'nil':
    case 'nilarray':
      return { k: 'nil' };
    case 'array':
      return { k: 'array', items: r.v.map((x) => toWire(x, resp)) };
    case 'set':
      return { k: resp === 2 ? 'array' : 'set', items: r.v.map((x) => toWire(x, resp)) };
    case 'push':
      return { k: resp === 2 ? 'array' : 'push', items: r.v.map((x) => toWire(x, resp)) };
    case 'map': {
      const items: Wire[] = [];
      for (const [k, v] of r.v) items.push(toWire(k, resp), toWire(v, resp));
      return { k: resp === 2 ? 'array' : 'map', items };
    }
    case 'double':
      return resp === 2 ? { k: 'string', s: doubleText(r.v) } : { k: 'double', s: doubleText(r.v) };
    case 'bool':
      return resp === 2 ? { k: 'integer', n: r.v ? 1 : 0 } : { k: 'bool', b: r.v };
    case 'verbatim':
      return { k: resp === 2 ? 'string' : 'verb', s: r.v };
    case 'bignum':
      return { k: resp === 2 ? 'string' : 'bignum', s: r.v };
  }
}

/** A value that takes several lines (so a map puts it on its own line). */
function isMultiline(w: Wire): boolean {
  if (w.k === 'array' || w.k === 'set' || w.k === 'push') {
    if (w.items.length === 0) return false;
    if (w.items.length > 1) return true;
    return isMultiline(w.items[0]);
  }
  if (w.k === 'map') {
    if (w.items.length === 0) return false;
    if (w.items.length > 2) return true;
    return isMultiline(w.items[1]);
  }
  return false;
}

const EMPTY_AGG = { array: '(empty array)\n', map: '(empty hash)\n', set: '(empty set)\n', push: '(empty push)\n' };
const NUMSEP = { array: ')', push: ')', map: '#', set: '~' };

function format(w: Wire, prefix: string): string {
  switch (w.k) {
    case 'error':
      return '(error) ' + cstr(w.s) + '\n';
    case 'status':
      return cstr(w.s) + '\n';
    case 'integer':
      return '(integer) ' + String(w.n) + '\n';
    case 'double':
      return '(double) ' + cstr(w.s) + '\n';
    case 'string':
      return reprBytes(w.s) + '\n';
    case 'verb':
      return w.s + '\n';
    case 'nil':
      return '(nil)\n';
    case 'bool':
      return w.b ? '(true)\n' : '(false)\n';
    case 'bignum':
      // hiredis knows big numbers but redis-cli 7.0's TTY formatter has no case
      // for them (it prints "Unknown reply type: 13" and exits); show the digits
      // the way it shows doubles instead of failing.
      return '(big number) ' + w.s + '\n';
    case 'array':
    case 'set':
    case 'push':
    case 'map': {
      const items = w.items;
      if (items.length === 0) return EMPTY_AGG[w.k];
      const isMap = w.k === 'map';
      const count = isMap ? items.length / 2 : items.length;
      const idxlen = String(count).length;
      const childPrefix = prefix + ' '.repeat(idxlen + 2);
      const sep = NUMSEP[w.k];
      let out = '';
      for (let i = 0; i < items.length; i++) {
        const human = (isMap ? i / 2 : i) + 1;
        out += (i === 0 ? '' : prefix) + String(human).padStart(idxlen, ' ') + sep + ' ';
        out += format(items[i], childPrefix);
        if (isMap) {
          i++;
          out = out.slice(0, -1) + ' => ';
          if (isMultiline(items[i])) out += '\n' + childPrefix;
          out += format(items[i], childPrefix);
        }
      }
      return out;
    }
  }
}

/** Render a reply exactly as `redis-cli` (TTY output mode) prints it, newline included. */
export function renderReply(r: Reply, resp: RespVersion = 2): string {
  return format(toWire(r, resp), '');
}

function formatRaw(w: Wire): string {
  switch (w.k) {
    case 'nil':
      return '';
    case 'error':
      return w.s + '\n';
    case 'status':
    case 'string':
    case 'verb':
    case 'bignum':
      return w.s;
    case 'bool':
      return w.b ? '(true)' : '(false)';
    case 'integer':
      return String(w.n);
    case 'double':
      return cstr(w.s);
    case 'array':
    case 'set':
    case 'push':
      return w.items.map(formatRaw).join('\n');
    case 'map': {
      const parts: string[] = [];
      for (let i = 0; i < w.items.length; i += 2) parts.push(formatRaw(w.items[i]) + ' ' + formatRaw(w.items[i + 1]));
      return parts.join('\n');
    }
  }
}

/**
 * redis-cli's raw rendering (cliFormatReplyRaw): what it prints, with no
 * trailing newline added, for replies it shows verbatim even in TTY mode
 * (INFO, CLIENT LIST, LOLWUT...).
 */
export function renderReplyRaw(r: Reply, resp: RespVersion = 2): string {
  return formatRaw(toWire(r, resp));
}
