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
import { plain, type Reply } from '../reply.js';
import { doubleText, type RespVersion } from './encode.js';
import { cstr } from '../util/bytes.js';

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


/** The reply as hiredis would hand it to redis-cli for this protocol version. */
type Wire =
  | { k: 'status' | 'error' | 'string' | 'verb' | 'double' | 'bignum'; s: string }
  | { k: 'integer'; n: number | bigint }
  | { k: 'nil' }
  | { k: 'bool'; b: boolean }
  | { k: 'array' | 'set' | 'push' | 'map'; items: Wire[] };

type AggWire = Extract<Wire, { items: Wire[] }>;

/** An aggregate reply as an empty wire aggregate plus its children in order; null for others. */
function openWire(r: Reply, resp: RespVersion): { w: AggWire; src: readonly Reply[] } | null {
  switch (r.t) {
    case 'array':
      return { w: { k: 'array', items: [] }, src: r.v };
    case 'set':
      return { w: { k: resp === 2 ? 'array' : 'set', items: [] }, src: r.v };
    case 'push':
      return { w: { k: resp === 2 ? 'array' : 'push', items: [] }, src: r.v };
    case 'seq':
      return { w: { k: 'array', items: [] }, src: r.v };
    case 'map': {
      const src: Reply[] = [];
      for (const [k, v] of r.v) src.push(k, v);
      return { w: { k: resp === 2 ? 'array' : 'map', items: [] }, src };
    }
    default:
      return null;
  }
}

function leafWire(r: Reply, resp: RespVersion): Wire {
  switch (r.t) {
    case 'status':
      return { k: 'status', s: r.v };
    case 'error':
      return { k: 'error', s: r.v };
    case 'int':
      return { k: 'integer', n: r.v };
    case 'bulk':
      return { k: 'string', s: r.v };
    case 'double':
      return resp === 2 ? { k: 'string', s: doubleText(r.v, r.s) } : { k: 'double', s: doubleText(r.v, r.s) };
    case 'bool':
      return resp === 2 ? { k: 'integer', n: r.v ? 1 : 0 } : { k: 'bool', b: r.v };
    case 'verbatim':
      return { k: resp === 2 ? 'string' : 'verb', s: r.v };
    case 'bignum':
      return { k: resp === 2 ? 'string' : 'bignum', s: r.v };
    default:
      return { k: 'nil' };
  }
}

/** Walked with an explicit stack: script replies nest thousands deep. */
function toWire(root: Reply, resp: RespVersion): Wire {
  // Attribute and push frames around a reply: redis-cli shows the reply itself.
  root = plain(root);
  const first = openWire(root, resp);
  if (first === null) return leafWire(root, resp);
  const stack = [{ ...first, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i === top.src.length) { stack.pop(); continue; }
    const x = plain(top.src[top.i++]);
    const sub = openWire(x, resp);
    if (sub === null) { top.w.items.push(leafWire(x, resp)); continue; }
    top.w.items.push(sub.w);
    stack.push({ ...sub, i: 0 });
  }
  return first.w;
}

/** A value that takes several lines (so a map puts it on its own line). */
function isMultiline(w: Wire): boolean {
  for (;;) {
    if (w.k === 'array' || w.k === 'set' || w.k === 'push') {
      if (w.items.length === 0) return false;
      if (w.items.length > 1) return true;
      w = w.items[0];
    } else if (w.k === 'map') {
      if (w.items.length === 0) return false;
      if (w.items.length > 2) return true;
      w = w.items[1];
    } else {
      return false;
    }
  }
}

const EMPTY_AGG = { array: '(empty array)\n', map: '(empty hash)\n', set: '(empty set)\n', push: '(empty push)\n' };
const NUMSEP = { array: ')', push: ')', map: '#', set: '~' };

function formatLeaf(w: Exclude<Wire, AggWire>): string {
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
  }
}

function isAgg(w: Wire): w is AggWire {
  return w.k === 'array' || w.k === 'set' || w.k === 'push' || w.k === 'map';
}

interface FormatFrame { w: AggWire; i: number; prefix: string; childPrefix: string; idxlen: number }

/**
 * cliFormatReplyTTY, walked with an explicit stack. Every rendering ends in
 * '\n', which is what lets a map key drop it before " => ".
 */
function format(root: Wire, rootPrefix: string): string {
  const parts: string[] = [];
  const stack: FormatFrame[] = [];
  const emit = (w: Wire, prefix: string): void => {
    if (!isAgg(w)) { parts.push(formatLeaf(w)); return; }
    if (w.items.length === 0) { parts.push(EMPTY_AGG[w.k]); return; }
    const count = w.k === 'map' ? w.items.length / 2 : w.items.length;
    const idxlen = String(count).length;
    stack.push({ w, i: 0, prefix, childPrefix: prefix + ' '.repeat(idxlen + 2), idxlen });
  };
  emit(root, rootPrefix);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const items = f.w.items;
    const i = f.i;
    if (i === items.length) { stack.pop(); continue; }
    f.i++;
    const isMap = f.w.k === 'map';
    if (isMap && (i & 1) === 1) {
      const last = parts.length - 1;
      parts[last] = parts[last].slice(0, -1) + ' => ';
      if (isMultiline(items[i])) parts.push('\n' + f.childPrefix);
    } else {
      const human = (isMap ? i / 2 : i) + 1;
      parts.push((i === 0 ? '' : f.prefix) + String(human).padStart(f.idxlen, ' ') + NUMSEP[f.w.k] + ' ');
    }
    emit(items[i], f.childPrefix);
  }
  return parts.join('');
}

/** Render a reply exactly as `redis-cli` (TTY output mode) prints it, newline included. */
export function renderReply(r: Reply, resp: RespVersion = 2): string {
  // Frames written back to back (SUBSCRIBE a b): redis-cli prints each in turn.
  if (r.t === 'seq') return r.v.map((x) => renderReply(x, resp)).join('');
  return format(toWire(r, resp), '');
}

/** cliFormatReplyRaw for one non-aggregate. */
function formatRawLeaf(w: Exclude<Wire, AggWire>): string {
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
  }
}

/**
 * cliFormatReplyRaw, walked with an explicit stack: aggregate children are
 * separated by '\n', a map's key and value by ' '.
 */
function formatRaw(root: Wire): string {
  const parts: string[] = [];
  const stack: Array<{ w: AggWire; i: number }> = [];
  const emit = (w: Wire): void => {
    if (isAgg(w)) stack.push({ w, i: 0 });
    else parts.push(formatRawLeaf(w));
  };
  emit(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const i = f.i;
    if (i === f.w.items.length) { stack.pop(); continue; }
    f.i++;
    if (i > 0) parts.push(f.w.k === 'map' && (i & 1) === 1 ? ' ' : '\n');
    emit(f.w.items[i]);
  }
  return parts.join('');
}

/**
 * redis-cli's raw rendering (cliFormatReplyRaw): what it prints, with no
 * trailing newline added, for replies it shows verbatim even in TTY mode
 * (INFO, CLIENT LIST, LOLWUT...).
 */
export function renderReplyRaw(r: Reply, resp: RespVersion = 2): string {
  if (r.t === 'seq') return r.v.map((x) => renderReplyRaw(x, resp)).join('\n');
  return formatRaw(toWire(r, resp));
}
