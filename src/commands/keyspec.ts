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

/** Positions of the key arguments in argv, or null when the arguments are invalid for the specs. */
export function getKeys(spec: CommandSpec, argv: string[]): KeyRef[] | null {
  const out: KeyRef[] = [];
  const argc = argv.length;
  for (const ks of keySpecs(spec)) {
    let first: number;
    if (ks.begin.type === 'index') first = ks.begin.index;
    else if (ks.begin.type === 'keyword') {
      const { keyword, startfrom } = ks.begin;
      const start = startfrom >= 0 ? startfrom : argc + startfrom;
      const end = startfrom >= 0 ? argc - 1 : 0;
      const step = startfrom >= 0 ? 1 : -1;
      first = 0;
      for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
        if (i <= 0 || i >= argc) continue;
        if (argv[i].toLowerCase() === keyword.toLowerCase()) { first = i + 1; break; }
      }
      if (!first) continue;
    } else continue;
    let last: number;
    let step: number;
    if (ks.find.type === 'range') {
      const { lastkey, keystep, limit } = ks.find;
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit <= 1) last = argc + lastkey;
      else last = first + Math.floor((argc + lastkey + 1 - first) / limit) - 1;
    } else if (ks.find.type === 'keynum') {
      const { keynumidx, firstkey, keystep } = ks.find;
      const idx = first + keynumidx;
      if (idx >= argc) return null;
      if (!/^-?\d+$/.test(argv[idx])) return null;
      const numkeys = Number(argv[idx]);
      if (numkeys < 0) return null;
      first = first + firstkey;
      step = keystep;
      last = first + (numkeys - 1) * step;
    } else continue;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < 1) {
        if (ks.find.type === 'keynum' || spec.flags.has('movablekeys')) return null;
        break;
      }
      out.push({ pos: i, flags: ks.flags });
    }
  }
  return out;
}
