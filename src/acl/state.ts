/**
 * One server's ACL state: the users (the "default" user included), the ACL
 * LOG, authentication, and the ACL file (LOAD/SAVE). Follows acl.c.
 */
import fs from 'node:fs';
import type { RedSim } from '../server.js';
import type { Client } from '../client.js';
import {
  User, setUserOp, mergeSelectorArgs, ruleErrorText, hasSpaces, hashPassword, describeUser,
} from './user.js';
import type { AclDenial } from './check.js';
import { clientLine } from '../commands/connection/connection.js';
import { cstr } from '../util/bytes.js';
import { globMatch } from '../util/glob.js';

export type AclLogReason = AclDenial | 'auth';
export type AclLogContext = 'toplevel' | 'multi' | 'lua';

export interface AclLogEntry {
  count: number;
  reason: AclLogReason;
  context: AclLogContext;
  object: string;
  username: string;
  /** ms of the last update */
  ctime: number;
  cinfo: string;
}

/** ACL_LOG_GROUPING_MAX_TIME_DELTA */
const GROUPING_MS = 60000;

export class AclState {
  /** Users by name; listed in byte order as Redis's rax lists them. */
  readonly users = new Map<string, User>();
  readonly defaultUser: User;
  /** Newest first. */
  log: AclLogEntry[] = [];

  constructor(private readonly server: RedSim) {
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
  }

  get allChannelsDefault(): boolean { return this.server.config.get('acl-pubsub-default') === 'allchannels'; }

  newUser(name: string): User { return new User(name, this.allChannelsDefault); }

  private createDefaultUser(): User {
    const u = this.newUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) setUserOp(u, op, this.allChannelsDefault);
    return u;
  }

  sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * ACLStringSetUser: apply all rules to a copy, then to the user (created if
   * missing); nothing changes when one rule fails. Returns the error text.
   */
  setUser(name: string, ops: string[]): string | null {
    const m = mergeSelectorArgs(ops);
    if ('openAt' in m) return `Unmatched parenthesis in acl selector starting at '${cstr(ops[m.openAt])}'.`;
    const existing = this.users.get(name);
    const temp = this.newUser(name);
    if (existing) temp.copyFrom(existing);
    for (const op of m.merged) {
      const e = setUserOp(temp, op, this.allChannelsDefault);
      if (e) return `Error in ACL SETUSER modifier '${cstr(op)}': ${ruleErrorText(e)}`;
    }
    if (existing) {
      this.killPubsubClientsIfNeeded(temp, existing);
      existing.copyFrom(temp);
    } else {
      this.users.set(name, temp);
    }
    return null;
  }

  /** ACLFreeUserAndKillClients: its connections go back to "default", unauthenticated, and are closed. */
  deleteUser(name: string, current: Client | null): boolean {
    const u = this.users.get(name);
    if (!u || u === this.defaultUser) return false;
    this.users.delete(name);
    this.killClientsOf(u, current);
    return true;
  }

  private killClientsOf(u: User, current: Client | null): void {
    for (const c of [...this.server.clients.values()]) {
      if (c.user !== u) continue;
      c.user = this.defaultUser;
      c.authenticated = false;
      // The current client still gets this command's reply, then the connection closes.
      if (c === current) c.closeAfterReply = true;
      else this.server.killClient(c);
    }
  }

  /**
   * ACLKillPubsubClientsIfNeeded: when the new rules drop channels the old
   * ones allowed, pub/sub clients of the user whose subscriptions are no
   * longer allowed are disconnected.
   */
  private killPubsubClientsIfNeeded(next: User, original: User): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming: string[] = [];
    for (const s of next.selectors) upcoming.push(...s.channels);
    let match = true;
    for (const s of original.selectors) {
      if (s.allChannels) { match = false; break; }
      if (!s.channels.every((c) => upcoming.includes(c))) { match = false; break; }
    }
    if (match) return;
    const inList = (ch: string, pattern: boolean) => upcoming.some((p) => (pattern ? p === ch : globMatch(p, ch)));
    for (const c of [...this.server.clients.values()]) {
      if (c.user !== original || !c.pubsubMode) continue;
      const kill = [...c.subPatterns].some((p) => !inList(p, true)) || [...c.subChannels].some((ch) => !inList(ch, false)) ||
        [...c.subShard].some((ch) => !inList(ch, false));
      if (kill) this.server.killClient(c);
    }
  }

  /** ACLCheckUserCredentials */
  checkCredentials(username: string, password: string): User | null {
    const u = this.users.get(username);
    if (!u || !u.enabled) return null;
    if (u.nopass) return u;
    const h = hashPassword(password);
    return u.passwords.includes(h) ? u : null;
  }

  /** ACLAuthenticateUser: on failure an "auth" entry goes to the ACL LOG. */
  authenticate(c: Client, username: string, password: string, object: string, context: AclLogContext): boolean {
    const u = this.checkCredentials(username, password);
    if (u) {
      c.user = u;
      c.authenticated = true;
      return true;
    }
    this.addLog(c, 'auth', context, object, username);
    return false;
  }

  /** authRequired: the default user has a password (or is off) and the client never authenticated. */
  authRequired(c: Client): boolean {
    const d = this.defaultUser;
    return (!d.nopass || !d.enabled) && !c.authenticated;
  }

  /** clientSetDefaultAuth: a new (or RESET) connection. */
  setDefaultAuth(c: Client): void {
    c.user = this.defaultUser;
    c.authenticated = this.defaultUser.nopass && this.defaultUser.enabled;
  }

  /** ACLUpdateDefaultUserPassword (requirepass): "" means nopass. */
  updateDefaultPassword(password: string): void {
    setUserOp(this.defaultUser, 'resetpass', this.allChannelsDefault);
    setUserOp(this.defaultUser, password === '' ? 'nopass' : '>' + password, this.allChannelsDefault);
  }

  /**
   * addACLLogEntry: merges with a similar recent entry (same reason, context, object, user, within 60 s).
   * `real` is the client whose CLIENT INFO line is logged (a script's caller).
   */
  addLog(c: Client, reason: AclLogReason, context: AclLogContext, object: string, username?: string, real: Client = c): void {
    const e: AclLogEntry = {
      count: 1, reason, context, object, username: username ?? c.user.name,
      ctime: this.server.clock.now(), cinfo: clientLine(this.server, real),
    };
    const scan = this.log.slice(0, 10);
    const i = scan.findIndex((x) => x.reason === e.reason && x.context === e.context &&
      Math.abs(x.ctime - e.ctime) <= GROUPING_MS && x.object === e.object && x.username === e.username);
    if (i >= 0) {
      const m = this.log[i];
      this.log.splice(i, 1);
      this.log.unshift(m);
      m.cinfo = e.cinfo;
      m.ctime = e.ctime;
      m.count++;
      return;
    }
    this.log.unshift(e);
    const max = this.server.config.getNumber('acllog-max-len');
    if (this.log.length > max) this.log.length = max;
  }

  /* ---------------------------- ACL file ---------------------------- */

  get filename(): string { return this.server.config.get('aclfile') ?? ''; }

  /**
   * ACLLoadFromFile: all users from the file or, on any error, no change and
   * the error text. Clients of the replaced users (all but "default") are
   * disconnected.
   */
  loadFromFile(current: Client | null): string | null {
    const filename = this.filename;
    let text: string;
    try {
      text = fs.readFileSync(filename).toString('latin1');
    } catch (e) {
      return `Error loading ACLs, opening file '${filename}': ${strerror(e)}`;
    }
    // fgets/sdscat work on C strings: a NUL ends what Redis reads.
    text = cstr(text);
    const lines = text.split('\n');
    const users = new Map<string, User>();
    let errors = '';
    for (let i = 0; i < lines.length; i++) {
      const linenum = i + 1;
      const line = trimChars(lines[i], ' \t\r\n');
      if (line === '') continue;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${filename}:${linenum} should start with user keyword followed by the username. `;
        continue;
      }
      if (hasSpaces(argv[1])) {
        errors += `'${filename}:${linenum}: username '${argv[1]}' contains invalid characters. `;
        continue;
      }
      if (users.has(argv[1])) {
        errors += `WARNING: Duplicate user '${argv[1]}' found on line ${linenum}. `;
        continue;
      }
      const u = this.newUser(argv[1]);
      users.set(argv[1], u);
      const m = mergeSelectorArgs(argv.slice(2));
      let ops: string[] = [];
      if ('openAt' in m) errors += `${filename}:${linenum}: Unmatched parenthesis in selector definition.`;
      else ops = m.merged;
      let syntaxError = false;
      for (const raw of ops) {
        const op = trimChars(raw, '\t\r\n');
        const e = setUserOp(u, op, this.allChannelsDefault);
        if (!e) continue;
        if (e === 'ENOENT') errors += `${filename}:${linenum}: Error in applying operation '${cstr(op)}': ${ruleErrorText(e)}. `;
        else if (!syntaxError) { errors += `${filename}:${linenum}: ${ruleErrorText(e)}. `; syntaxError = true; }
      }
    }
    if (errors.length !== 0) return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
    const newDefault = users.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    users.set('default', this.defaultUser);
    const old = [...this.users.values()].filter((u) => u !== this.defaultUser);
    this.users.clear();
    for (const [k, v] of users) this.users.set(k, v);
    for (const u of old) this.killClientsOf(u, current);
    return null;
  }

  /** ACLSaveToFile: every user as a "user" line, written to a temp file then renamed. */
  saveToFile(): boolean {
    const filename = this.filename;
    let out = '';
    for (const u of this.sortedUsers()) out += `user ${u.name} ${describeUser(u)}\n`;
    const tmp = `${filename}.tmp-${process.pid}-${this.server.clock.now()}`;
    try {
      fs.writeFileSync(tmp, Buffer.from(out, 'latin1'), { mode: 0o644 });
      fs.renameSync(tmp, filename);
      return true;
    } catch {
      try { fs.unlinkSync(tmp); } catch { /* not created */ }
      return false;
    }
  }

  /**
   * ACLAppendUserForLoading + ACLLoadConfiguredUsers: `user` lines of the
   * configuration, applied at start-up. Throws with Redis's reason on a bad line.
   */
  loadConfiguredUsers(lines: string[][]): void {
    const seen = new Set<string>();
    const parsed: Array<[string, string[]]> = [];
    for (const argv of lines) {
      if (argv.length < 2 || argv[0].toLowerCase() !== 'user') throw new Error('Bad user line in the configuration');
      if (seen.has(argv[1])) throw new Error(ruleErrorText('EALREADY'));
      seen.add(argv[1]);
      const m = mergeSelectorArgs(argv.slice(2));
      if ('openAt' in m) throw new Error(`Unmatched parenthesis in acl selector starting at '${argv[2 + m.openAt]}'.`);
      const fake = this.newUser(argv[1]);
      for (const op of m.merged) {
        const e = setUserOp(fake, op, this.allChannelsDefault);
        if (e && e !== 'ENOENT') throw new Error(`Error in user declaration '${op}': ${ruleErrorText(e)}`);
      }
      parsed.push([argv[1], m.merged]);
    }
    for (const [name, ops] of parsed) {
      if (hasSpaces(name)) throw new Error('Spaces not allowed in ACL usernames');
      let u = this.users.get(name);
      if (u) setUserOp(u, 'reset', this.allChannelsDefault);
      else { u = this.newUser(name); this.users.set(name, u); }
      for (const op of ops) {
        const e = setUserOp(u, op, this.allChannelsDefault);
        if (e) throw new Error(`Error loading ACL rule '${op}' for the user named '${name}': ${ruleErrorText(e)}`);
      }
    }
  }
}


function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** strerror() for the errors fopen can give. */
function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'ENAMETOOLONG': return 'File name too long';
    case 'ELOOP': return 'Too many levels of symbolic links';
    default: return (e as Error)?.message ?? String(e);
  }
}
