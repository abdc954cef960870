/**
 * ACL users and selectors as Redis 7.0's acl.c models them: a user has flags,
 * SHA-256 password hashes and a list of selectors (the first is the root
 * selector); a selector holds the allowed commands (one bit per command and
 * subcommand, plus the "future commands" bit that only +@all sets), allowed
 * first arguments, key patterns with read/write flags and channel patterns.
 * Rules are applied one at a time (setUserOp), exactly as ACLSetUser does, and
 * described back (describeUser) with Redis's category best-fit algorithm.
 */
import { createHash } from 'node:crypto';
import { allSpecs, COMMANDS, type CommandSpec } from '../commands/table.js';
import { splitArgBytes } from '../cli/split.js';
import { cstr } from '../util/bytes.js';

/** ACLCommandCategories, in Redis's order (ACL CAT and descriptions follow it). */
export const CATEGORIES = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting'] as const;

/** The category name as Redis spells it, or undefined (lookup is case-insensitive). */
export function categoryByName(name: string): string | undefined {
  const n = name.toLowerCase();
  return (CATEGORIES as readonly string[]).includes(n) ? n : undefined;
}

export function inCategory(spec: CommandSpec, cat: string): boolean {
  return spec.acl.includes('@' + cat);
}

/** Key pattern permission bits. */
export const PERM_READ = 1;
export const PERM_WRITE = 2;
export const PERM_ALL = 3;

export interface KeyPattern { pattern: string; flags: number }

/** Why a rule was refused: Redis's errno values, mapped to texts by ruleErrorText. */
export type RuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD' | 'EALREADY';

export function ruleErrorText(e: RuleError): string {
  switch (e) {
    case 'ENOENT': return 'Unknown command or category name in ACL';
    case 'EINVAL': return 'Syntax error';
    case 'EEXIST': return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any " +
      "effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR': return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any " +
      "effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV': return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG': return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY': return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD': return 'Allowing first-arg of a subcommand is not supported';
  }
}

export class Selector {
  root: boolean;
  allKeys = false;
  allChannels = false;
  allCommands = false;
  /** The commands (and subcommands) whose bit is set. */
  allowed = new Set<CommandSpec>();
  /** The reserved bit: set by +@all/allcommands only, so "future commands" are allowed. */
  future = false;
  /** Allowed first arguments of otherwise blocked commands (+select|0). */
  firstArgs = new Map<CommandSpec, string[]>();
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(root: boolean, allChannelsDefault: boolean) {
    this.root = root;
    this.allChannels = allChannelsDefault;
  }

  clone(): Selector {
    const s = new Selector(this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.allowed = new Set(this.allowed);
    s.future = this.future;
    for (const [k, v] of this.firstArgs) s.firstArgs.set(k, [...v]);
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }
}

export class User {
  name: string;
  enabled = false;
  nopass = false;
  /** skip-sanitize-payload / sanitize-payload: neither is set on a new user. */
  sanitize: '' | 'skip' | 'sanitize' = '';
  /** SHA-256 hex hashes, in insertion order. */
  passwords: string[] = [];
  selectors: Selector[];

  constructor(name: string, allChannelsDefault: boolean) {
    this.name = name;
    this.selectors = [new Selector(true, allChannelsDefault)];
  }

  get root(): Selector { return this.selectors[0]; }

  /** ACLCopyUser: the rules of `src` (the name stays). */
  copyFrom(src: User): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
  }
}

export function hashPassword(bytes: string): string {
  return createHash('sha256').update(Buffer.from(bytes, 'latin1')).digest('hex');
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** ACLStringHasSpaces: isspace() or NUL anywhere. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

/** lookupCommandBySdsLogic in strict mode: "name" or "name|sub", case-insensitive. */
export function aclLookupCommand(name: string): CommandSpec | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = COMMANDS.get(parts[0].toLowerCase());
  if (parts.length === 1) return base;
  if (!base || !base.subcommands) return undefined;
  return base.subcommands.get(parts[1].toLowerCase());
}

function setBit(sel: Selector, spec: CommandSpec, on: boolean): void {
  if (on) sel.allowed.add(spec);
  else { sel.allowed.delete(spec); sel.allCommands = false; }
}

/** ACLChangeSelectorPerm: a container's subcommands follow it. */
export function changePerm(sel: Selector, spec: CommandSpec, on: boolean): void {
  setBit(sel, spec, on);
  sel.firstArgs.delete(spec);
  if (spec.subcommands) for (const sub of spec.subcommands.values()) setBit(sel, sub, on);
}

function setCategory(sel: Selector, cat: string, on: boolean): void {
  for (const spec of COMMANDS.values()) {
    if (inCategory(spec, cat)) changePerm(sel, spec, on);
    if (spec.subcommands) for (const sub of spec.subcommands.values()) if (inCategory(sub, cat)) changePerm(sel, sub, on);
  }
}

function setAll(sel: Selector, on: boolean): void {
  sel.allowed = on ? new Set(allSpecs()) : new Set();
  sel.future = on;
  sel.allCommands = on;
  sel.firstArgs.clear();
}

function addFirstArg(sel: Selector, spec: CommandSpec, sub: string): void {
  let list = sel.firstArgs.get(spec);
  if (!list) { list = []; sel.firstArgs.set(spec, list); }
  const low = sub.toLowerCase();
  if (list.some((x) => x.toLowerCase() === low)) return;
  list.push(sub);
}

/** ACLSetSelector: one selector rule; null when applied, else the error. */
export function setSelectorOp(sel: Selector, op: string): RuleError | null {
  const low = op.toLowerCase();
  if (low === 'allkeys' || op === '~*') {
    sel.allKeys = true;
    sel.patterns = [];
  } else if (low === 'resetkeys') {
    sel.allKeys = false;
    sel.patterns = [];
  } else if (low === 'allchannels' || op === '&*') {
    sel.allChannels = true;
    sel.channels = [];
  } else if (low === 'resetchannels') {
    sel.allChannels = false;
    sel.channels = [];
  } else if (low === 'allcommands' || low === '+@all') {
    setAll(sel, true);
  } else if (low === 'nocommands' || low === '-@all') {
    setAll(sel, false);
  } else if (op[0] === '~' || op[0] === '%') {
    if (sel.allKeys) return 'EEXIST';
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const ch = op[offset].toUpperCase();
        if (ch === 'R' && !(flags & PERM_READ)) flags |= PERM_READ;
        else if (ch === 'W' && !(flags & PERM_WRITE)) flags |= PERM_WRITE;
        else if (op[offset] === '~') { offset++; break; }
        else return 'EINVAL';
      }
    } else flags = PERM_ALL;
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = sel.patterns.find((p) => p.pattern === pattern);
    if (existing) existing.flags |= flags;
    else sel.patterns.push({ pattern, flags });
    sel.allKeys = false;
  } else if (op[0] === '&') {
    if (sel.allChannels) return 'EISDIR';
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) return 'EINVAL';
    if (!sel.channels.includes(pattern)) sel.channels.push(pattern);
    sel.allChannels = false;
  } else if (op[0] === '+' && op[1] !== '@') {
    // Redis sees a C string: the name ends at the first NUL byte.
    const name = cstr(op.slice(1));
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const spec = aclLookupCommand(name);
      if (!spec) return 'ENOENT';
      changePerm(sel, spec, true);
    } else {
      const spec = aclLookupCommand(name.slice(0, bar));
      const sub = name.slice(bar + 1);
      if (!spec) return 'ENOENT';
      if (spec.parent) return 'ECHILD';
      if (sub.length === 0) return 'EINVAL';
      if (spec.subcommands) {
        const subSpec = aclLookupCommand(name);
        if (!subSpec) return 'ENOENT';
        changePerm(sel, subSpec, true);
      } else {
        addFirstArg(sel, spec, sub);
      }
    }
  } else if (op[0] === '-' && op[1] !== '@') {
    const spec = aclLookupCommand(cstr(op.slice(1)));
    if (!spec) return 'ENOENT';
    changePerm(sel, spec, false);
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    const cat = categoryByName(cstr(op.slice(2)));
    if (!cat) return 'ENOENT';
    setCategory(sel, cat, op[0] === '+');
  } else {
    return 'EINVAL';
  }
  return null;
}

/** ACLSetUser: one user rule (flags, passwords, selectors, or a root-selector rule). */
export function setUserOp(u: User, op: string, allChannelsDefault: boolean): RuleError | null {
  if (op.length === 0) return null;
  const low = op.toLowerCase();
  if (low === 'on') u.enabled = true;
  else if (low === 'off') u.enabled = false;
  else if (low === 'skip-sanitize-payload') u.sanitize = 'skip';
  else if (low === 'sanitize-payload') u.sanitize = 'sanitize';
  else if (low === 'nopass') { u.nopass = true; u.passwords = []; }
  else if (low === 'resetpass') { u.nopass = false; u.passwords = []; }
  else if (op[0] === '>' || op[0] === '#') {
    let hash: string;
    if (op[0] === '>') hash = hashPassword(op.slice(1));
    else {
      hash = op.slice(1);
      if (!validHash(hash)) return 'EBADMSG';
    }
    if (!u.passwords.includes(hash)) u.passwords.push(hash);
    u.nopass = false;
  } else if (op[0] === '<' || op[0] === '!') {
    let hash: string;
    if (op[0] === '<') hash = hashPassword(op.slice(1));
    else {
      hash = op.slice(1);
      if (!validHash(hash)) return 'EBADMSG';
    }
    const i = u.passwords.indexOf(hash);
    if (i < 0) return 'ENODEV';
    u.passwords.splice(i, 1);
  } else if (op[0] === '(' && op[op.length - 1] === ')') {
    const sel = new Selector(false, allChannelsDefault);
    // sdssplitargs: unbalanced quotes give no arguments at all.
    const args = splitArgBytes(op.slice(1, -1)) ?? [];
    for (const a of args) {
      const e = setSelectorOp(sel, a);
      if (e) return e;
    }
    u.selectors.push(sel);
  } else if (low === 'clearselectors') {
    u.selectors = [u.selectors[0]];
  } else if (low === 'reset') {
    setUserOp(u, 'resetpass', allChannelsDefault);
    setUserOp(u, 'resetkeys', allChannelsDefault);
    setUserOp(u, 'resetchannels', allChannelsDefault);
    if (allChannelsDefault) setUserOp(u, 'allchannels', allChannelsDefault);
    u.enabled = false;
    u.sanitize = 'sanitize';
    u.selectors = [u.selectors[0]];
    setUserOp(u, '-@all', allChannelsDefault);
  } else {
    return setSelectorOp(u.root, op);
  }
  return null;
}

/**
 * ACLMergeSelectorArguments: a selector spread over several arguments
 * ("(+get" "~k)") becomes one; null and the index of the opening argument when
 * a parenthesis is left open.
 */
export function mergeSelectorArgs(args: string[]): { merged: string[] } | { openAt: number } {
  const merged: string[] = [];
  let open = -1;
  let cur = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      cur = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      cur += ' ' + cstr(op);
      if (op[op.length - 1] === ')') { open = -1; merged.push(cur); }
      continue;
    }
    merged.push(op);
  }
  return open !== -1 ? { openAt: open } : { merged };
}

/* ------------------------------------------------------------------ */
/* Describing users (ACL LIST, GETUSER, SAVE)                          */
/* ------------------------------------------------------------------ */

function countCategory(bits: Set<CommandSpec>, cat: string): { on: number; off: number } {
  let on = 0;
  let off = 0;
  for (const spec of allSpecs()) {
    if (!inCategory(spec, cat)) continue;
    if (bits.has(spec)) on++; else off++;
  }
  return { on, off };
}

/**
 * ACLDescribeSelectorCommandRules: start from +@all or -@all (by the future
 * bit), apply the best-fitting categories, then single commands and first
 * args. Redis walks its command dict in hash order (seeded at random per
 * process); redsim walks the command table in its order.
 */
export function describeCommandRules(sel: Selector): string {
  let rules = '';
  const fake = new Selector(false, false);
  const additive = !sel.future;
  if (!additive) { rules += '+@all '; setAll(fake, true); } else { rules += '-@all '; setAll(fake, false); }
  const temp = new Set(sel.allowed);
  const tempSel = new Selector(false, false);
  tempSel.allowed = temp;
  const applied = new Set<string>();
  for (;;) {
    let best: string | null = null;
    let mindiff = 2147483647;
    let maxsame = 0;
    for (const cat of CATEGORIES) {
      if (applied.has(cat)) continue;
      const { on, off } = countCategory(tempSel.allowed, cat);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = cat;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === null) break;
    setCategory(fake, best, additive);
    setCategory(tempSel, best, !additive);
    rules += (additive ? '+@' : '-@') + best + ' ';
    applied.add(best);
  }
  const single = (spec: CommandSpec) => {
    const userbit = sel.allowed.has(spec);
    if (userbit !== fake.allowed.has(spec)) {
      rules += (userbit ? '+' : '-') + spec.fullname + ' ';
      changePerm(fake, spec, userbit);
    }
    if (spec.subcommands) for (const sub of spec.subcommands.values()) single(sub);
    const fa = sel.firstArgs.get(spec);
    if (!userbit && fa) for (const a of fa) rules += `+${spec.fullname}|${a} `;
  };
  for (const spec of COMMANDS.values()) single(spec);
  return rules.slice(0, -1);
}

export function patternString(p: KeyPattern): string {
  const prefix = p.flags === PERM_ALL ? '~' : p.flags === PERM_READ ? '%R~' : p.flags === PERM_WRITE ? '%W~' : '%~';
  return prefix + p.pattern;
}

/** ACLDescribeSelector: keys, channels, then command rules. */
export function describeSelector(sel: Selector): string {
  let res = '';
  if (sel.allKeys) res += '~* ';
  else for (const p of sel.patterns) res += patternString(p) + ' ';
  if (sel.allChannels) res += '&* ';
  else {
    res += 'resetchannels ';
    for (const c of sel.channels) res += '&' + c + ' ';
  }
  return res + describeCommandRules(sel);
}

/** ACLDescribeUser: flags, password hashes, the root selector, then (selectors). */
export function describeUser(u: User): string {
  let res = '';
  for (const f of userFlags(u)) res += f + ' ';
  for (const p of u.passwords) res += '#' + p + ' ';
  for (const sel of u.selectors) res += sel.root ? describeSelector(sel) : ` (${describeSelector(sel)})`;
  return res;
}

/** The user flags in ACLUserFlags order. */
export function userFlags(u: User): string[] {
  const out: string[] = [];
  out.push(u.enabled ? 'on' : 'off');
  if (u.nopass) out.push('nopass');
  if (u.sanitize === 'skip') out.push('skip-sanitize-payload');
  if (u.sanitize === 'sanitize') out.push('sanitize-payload');
  return out;
}
