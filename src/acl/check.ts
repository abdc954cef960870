/**
 * ACL permission checks (acl.c ACLCheckAllUserCommandPerm and friends): a
 * command is allowed when one selector allows the command, every key it names
 * (read/write per the key spec flags) and every channel it names.
 */
import type { CommandSpec } from '../commands/table.js';
import { getKeys, commandHasKeys, type KeyRef } from '../commands/keyspec.js';
import { globMatch } from '../util/glob.js';
import { PERM_READ, PERM_WRITE, type Selector, type User } from './user.js';

export type AclDenial = 'command' | 'key' | 'channel';
export interface AclResult { denied: AclDenial; pos: number }

/** Channel arguments (db.c commands_with_channels): start, count (-1 = rest), pattern, checked. */
const CHANNEL_SPECS: Record<string, { start: number; count: number; pattern: boolean; checked: boolean }> = {
  subscribe: { start: 1, count: -1, pattern: false, checked: true },
  ssubscribe: { start: 1, count: -1, pattern: false, checked: true },
  psubscribe: { start: 1, count: -1, pattern: true, checked: true },
  publish: { start: 1, count: 1, pattern: false, checked: true },
  spublish: { start: 1, count: 1, pattern: false, checked: true },
  // UNSUBSCRIBE and friends name channels but are never refused.
};

/** Redis's key-spec flags -> the pattern permissions a key needs. */
function keyNeeds(flags: string[]): number {
  let need = 0;
  for (const f of flags) {
    if (f === 'access') need |= PERM_READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') need |= PERM_WRITE;
  }
  return need;
}

function selectorKeyOk(sel: Selector, key: string, need: number): boolean {
  if (sel.allKeys) return true;
  for (const p of sel.patterns) {
    if ((p.flags & need) !== need) continue;
    if (globMatch(p.pattern, key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: patterns (PSUBSCRIBE) match only literally. */
export function channelInList(list: string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

interface KeyCache { keys: KeyRef[] | null }

function selectorCheck(sel: Selector, spec: CommandSpec, argv: string[], cache: KeyCache): AclResult | null {
  if (!sel.allCommands && !spec.flags.has('no_auth') && !sel.allowed.has(spec)) {
    const fa = argv.length >= 2 ? sel.firstArgs.get(spec) : undefined;
    if (!fa) return { denied: 'command', pos: 0 };
    const arg = argv[spec.parent ? 2 : 1];
    const low = arg === undefined ? undefined : arg.toLowerCase();
    if (!fa.some((a) => a.toLowerCase() === low)) return { denied: 'command', pos: 0 };
  }
  if (!sel.allKeys && commandHasKeys(spec)) {
    if (cache.keys === null) cache.keys = getKeys(spec, argv);
    for (const k of cache.keys) {
      if (!selectorKeyOk(sel, argv[k.pos], keyNeeds(k.flags))) return { denied: 'key', pos: k.pos };
    }
  }
  const ch = CHANNEL_SPECS[spec.fullname];
  if (!sel.allChannels && ch) {
    const stop = ch.count === -1 ? argv.length : Math.min(argv.length, ch.start + ch.count);
    for (let i = ch.start; i < stop; i++) {
      if (!channelInList(sel.channels, argv[i], ch.pattern)) return { denied: 'channel', pos: i };
    }
  }
  return null;
}

const RANK: Record<AclDenial, number> = { command: 1, key: 2, channel: 3 };

/**
 * ACLCheckAllUserCommandPerm: null when allowed; otherwise the denial to report
 * (a command denial if no selector got past the command; else the key/channel
 * denial at the highest argument position).
 */
export function checkCommand(u: User, spec: CommandSpec, argv: string[]): AclResult | null {
  const cache: KeyCache = { keys: null };
  let best: AclResult = { denied: 'command', pos: 0 };
  for (const sel of u.selectors) {
    const r = selectorCheck(sel, spec, argv, cache);
    if (r === null) return null;
    if (RANK[r.denied] > RANK[best.denied] || (r.denied === best.denied && r.pos > best.pos)) best = r;
  }
  return best;
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the command
 * and grants `flags` access (key-spec flag names) to every key (allkeys or a
 * "*" pattern with those permissions). SORT's BY/GET patterns need this.
 */
export function checkCmdWithUnrestrictedKeys(u: User, spec: CommandSpec, argv: string[], flags: string[]): boolean {
  const need = keyNeeds(flags);
  const cache: KeyCache = { keys: null };
  for (const sel of u.selectors) {
    if (selectorCheck(sel, spec, argv, cache) !== null) continue;
    if (sel.allKeys || sel.patterns.some((p) => (p.flags & need) === need && p.pattern === '*')) return true;
  }
  return false;
}

/** True when the user (root selector: fast path) may do anything: the default user's usual state. */
export function unrestricted(u: User): boolean {
  const s = u.selectors[0];
  return s.allCommands && s.allKeys && s.allChannels;
}

/** ACLUserCheckKeyPerm: may `u` touch `key` with the given key-spec flags? */
export function checkKey(u: User, key: string, flags: string[]): boolean {
  const need = keyNeeds(flags);
  return u.selectors.some((s) => selectorKeyOk(s, key, need));
}

/**
 * ACLUserCheckChannelPerm: may `u` use `channel` (a PSUBSCRIBE pattern when
 * isPattern)? For pub/sub code that checks channels itself.
 */
export function checkChannel(u: User, channel: string, isPattern: boolean): boolean {
  for (const s of u.selectors) {
    if (s.allChannels) return true;
    if (channelInList(s.channels, channel, isPattern)) return true;
  }
  return false;
}

/** The NOPERM text processCommand sends. */
export function nopermMessage(spec: CommandSpec, d: AclDenial): string {
  switch (d) {
    case 'command': return `NOPERM this user has no permissions to run the '${spec.fullname}' command`;
    case 'key': return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    case 'channel': return 'NOPERM this user has no permissions to access one of the channels used as arguments';
  }
}

/** getAclErrorMessage (scripts prefix it with "The user executing the script "). */
export function aclErrorMessage(d: AclDenial): string {
  switch (d) {
    case 'command': return "can't run this command or subcommand";
    case 'key': return "can't access at least one of the keys mentioned in the command arguments";
    case 'channel': return "can't publish to the channel mentioned in the command";
  }
}

/** execCommand's reason when a queued command is no longer allowed. */
export function execDeniedMessage(d: AclDenial): string {
  const reason = d === 'command' ? 'no permission to execute the command or subcommand'
    : d === 'key' ? 'no permission to touch the specified keys'
      : 'no permission to access one of the channels used as arguments';
  return 'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. ' +
    `This command is no longer allowed for the following reason: ${reason}`;
}
