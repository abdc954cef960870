/**
 * Key extraction from the command table's key specs (Redis's getKeysUsingKeySpecs),
 * used by COMMAND GETKEYS and anything that needs a command's key arguments.
 */
import type { Reply } from '../reply.js';
import type { CommandSpec } from './table.js';

interface KeySpec {
  flags: string[];
  begin: { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startfrom: number } | { type: 'unknown' };
  find: { type: 'range'; lastkey: number; keystep: number; limit: number } | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number } | { type: 'unknown' };
}

function field(r: Reply | undefined, name: string): Reply | undefined {
  if (!r || r.t !== 'map') return undefined;
  return r.v.find(([k]) => (k.t === 'bulk' || k.t === 'status') && k.v === name)?.[1];
}
const n = (r: Reply | undefined) => (r && r.t === 'int' ? Number(r.v) : 0);
const s = (r: Reply | undefined) => (r && (r.t === 'bulk' || r.t === 'status') ? r.v : '');

const cache = new WeakMap<CommandSpec, KeySpec[]>();

export function keySpecs(spec: CommandSpec): KeySpec[] {
  let out = cache.get(spec);
  if (out) return out;
  out = [];
  const raw = spec.info.t === 'array' ? spec.info.v[8] : undefined;
  for (const ks of raw && (raw.t === 'set' || raw.t === 'array') ? raw.v : []) {
    const fl = field(ks, 'flags');
    const bs = field(ks, 'begin_search');
    const fk = field(ks, 'find_keys');
    const bt = s(field(bs, 'type'));
    const bspec = field(bs, 'spec');
    const ft = s(field(fk, 'type'));
    const fspec = field(fk, 'spec');
    out.push({
      flags: fl && (fl.t === 'set' || fl.t === 'array') ? fl.v.map(s) : [],
      begin: bt === 'index' ? { type: 'index', index: n(field(bspec, 'index')) }
        : bt === 'keyword' ? { type: 'keyword', keyword: s(field(bspec, 'keyword')), startfrom: n(field(bspec, 'startfrom')) }
        : { type: 'unknown' },
      find: ft === 'range' ? { type: 'range', lastkey: n(field(fspec, 'lastkey')), keystep: n(field(fspec, 'keystep')), limit: n(field(fspec, 'limit')) }
        : ft === 'keynum' ? { type: 'keynum', keynumidx: n(field(fspec, 'keynumidx')), firstkey: n(field(fspec, 'firstkey')), keystep: n(field(fspec, 'keystep')) }
        : { type: 'unknown' },
    });
  }
  cache.set(spec, out);
  return out;
}

export interface KeyRef { pos: number; flags: string[] }

/** Redis's string2ll acceptance for numkeys. */
function strictInt(a: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(a)) return null;
  const n = Number(a);
  return Number.isSafeInteger(n) ? n : null;
}

/** C's atoi: leading spaces, optional sign, digits; 0 when nothing parses. */
function atoi(a: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(a);
  if (!m) return 0;
  const n = Number(m[1]);
  return Math.max(-2147483648, Math.min(2147483647, n));
}

/** Redis's getKeysUsingKeySpecs: key positions, or null when a spec is invalid/incomplete. */
function keysFromSpecs(spec: CommandSpec, argv: string[]): KeyRef[] | null {
  const out: KeyRef[] = [];
  const argc = argv.length;
  for (const ks of keySpecs(spec)) {
    if (ks.flags.includes('not_key')) continue;
    let first = 0;
    if (ks.begin.type === 'index') first = ks.begin.index;
    else if (ks.begin.type === 'keyword') {
      const { keyword, startfrom } = ks.begin;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === keyword.toLowerCase()) { first = i + 1; break; }
      }
      if (!first) continue;
    } else return null;
    let last: number;
    let step: number;
    if (ks.find.type === 'range') {
      const { lastkey, keystep, limit } = ks.find;
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (!limit) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / limit) + lastkey);
    } else if (ks.find.type === 'keynum') {
      const { keynumidx, firstkey, keystep } = ks.find;
      step = keystep;
      if (keynumidx >= argc || first + keynumidx >= argc) return null;
      const numkeys = strictInt(argv[first + keynumidx]);
      if (numkeys === null || numkeys < 0) return null;
      first += firstkey;
      last = first + numkeys - 1;
    } else return null;
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue;
      out.push({ pos: i, flags: ks.flags });
    }
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

/** Redis's genericGetKeys (numkeys-style commands): no keys when numkeys is out of range. */
function genericKeys(store: number, countAt: number, firstAt: number, argv: string[]): KeyRef[] {
  const num = atoi(argv[countAt] ?? '');
  if (num < 1 || num > argv.length - firstAt) return [];
  const out: KeyRef[] = [];
  for (let i = 0; i < num; i++) out.push({ pos: firstAt + i, flags: [] });
  if (store) out.push({ pos: store, flags: [] });
  return out;
}

const RO_ACCESS = ['RO', 'access'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];

/** The commands with a native key-finding function (Redis's getkeys_proc), used when the specs can't answer. */
const NATIVE: Record<string, (argv: string[]) => KeyRef[]> = {
  set(argv) {
    const hasGet = argv.slice(3).some((a) => a.toLowerCase() === 'get');
    return [{ pos: 1, flags: hasGet ? RW_ACCESS_UPDATE : ['OW', 'update'] }];
  },
  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const a = argv[i].toLowerCase();
      if (a === 'get' && rem >= 2) i += 2;
      else if ((a === 'set' || a === 'incrby') && rem >= 3) { readonly = false; break; }
      else if (a === 'overflow' && rem >= 1) i += 1;
      else { readonly = false; break; }
    }
    return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
  },
  sort(argv) {
    const out: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
    let store: KeyRef | undefined;
    const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (a in skip) i += skip[a];
      else if (a === 'store' && i + 1 < argv.length) store = { pos: i + 1, flags: ['OW', 'update'] };
    }
    if (store) out.push(store);
    return out;
  },
  sort_ro() { return [{ pos: 1, flags: RO_ACCESS }]; },
  migrate(argv) {
    let first = 3;
    let num = 1;
    if (argv.length > 6) {
      const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
      for (let i = 6; i < argv.length; i++) {
        const a = argv[i].toLowerCase();
        if (a === 'keys') {
          if (argv[3].length > 0) num = 0;
          else { first = i + 1; num = argv.length - first; }
          break;
        }
        if (a in skip) i += skip[a];
      }
    }
    return Array.from({ length: num }, (_, i) => ({ pos: first + i, flags: ['RW', 'access', 'delete'] }));
  },
  georadius: geoKeys,
  georadiusbymember: geoKeys,
  xread: xreadKeys,
  xreadgroup: xreadKeys,
  eval: (a) => genericKeys(0, 2, 3, a),
  eval_ro: (a) => genericKeys(0, 2, 3, a),
  evalsha: (a) => genericKeys(0, 2, 3, a),
  evalsha_ro: (a) => genericKeys(0, 2, 3, a),
  fcall: (a) => genericKeys(0, 2, 3, a),
  fcall_ro: (a) => genericKeys(0, 2, 3, a),
  sintercard: (a) => genericKeys(0, 1, 2, a),
  zintercard: (a) => genericKeys(0, 1, 2, a),
  zunion: (a) => genericKeys(0, 1, 2, a),
  zinter: (a) => genericKeys(0, 1, 2, a),
  zdiff: (a) => genericKeys(0, 1, 2, a),
  zunionstore: (a) => genericKeys(1, 2, 3, a),
  zinterstore: (a) => genericKeys(1, 2, 3, a),
  zdiffstore: (a) => genericKeys(1, 2, 3, a),
  lmpop: (a) => genericKeys(0, 1, 2, a),
  zmpop: (a) => genericKeys(0, 1, 2, a),
  blmpop: (a) => genericKeys(0, 2, 3, a),
  bzmpop: (a) => genericKeys(0, 2, 3, a),
};

function geoKeys(argv: string[]): KeyRef[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if ((a === 'store' || a === 'storedist') && i + 1 < argv.length) { stored = i + 1; i++; }
  }
  const out: KeyRef[] = [{ pos: 1, flags: [] }];
  if (stored !== -1) out.push({ pos: stored, flags: [] });
  return out;
}

function xreadKeys(argv: string[]): KeyRef[] {
  let streams = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'block' || a === 'count') i++;
    else if (a === 'group') i += 2;
    else if (a === 'noack') continue;
    else { if (a === 'streams') streams = i; break; }
  }
  const n = streams === -1 ? 0 : argv.length - streams - 1;
  if (streams === -1 || n === 0 || n % 2 !== 0) return [];
  return Array.from({ length: n / 2 }, (_, i) => ({ pos: streams + 1 + i, flags: [] }));
}

/** Does the command take keys at all (Redis's doesCommandHaveKeys)? */
export function commandHasKeys(spec: CommandSpec): boolean {
  return spec.fullname in NATIVE || keySpecs(spec).some((k) => !k.flags.includes('not_key'));
}

/**
 * Redis's getKeysFromCommandWithSpecs: the key specs when they are reliable (no
 * variable flags) and valid, else the command's native key finder, else none.
 */
export function getKeys(spec: CommandSpec, argv: string[]): KeyRef[] {
  const specs = keySpecs(spec);
  const hasKeySpec = specs.some((k) => !k.flags.includes('not_key'));
  const varFlags = specs.some((k) => k.flags.includes('variable_flags'));
  if (hasKeySpec && !varFlags) {
    const r = keysFromSpecs(spec, argv);
    if (r) return r;
  }
  const native = NATIVE[spec.fullname];
  return native ? native(argv) : [];
}
