/**
 * The slow log (slowlog.c): commands whose run time reaches slowlog-log-slower-than
 * microseconds, newest first, at most slowlog-max-len entries. Arguments are kept as
 * Redis keeps them: at most 32 (the last one then says how many more there were),
 * each cut at 128 bytes with a "... (N more bytes)" suffix.
 */
export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  /** Microseconds. */
  duration: number;
  argv: string[];
  peerid: string;
  cname: string;
}

export class SlowLog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** slowlogPushEntryIfNeeded. */
  push(fullname: string, original: string[], duration: number, nowMs: number, peerid: string, cname: string, slowerThan: number, maxLen: number): void {
    if (slowerThan < 0) return;
    if (duration >= slowerThan) {
      const argv = redactArgs(fullname, original);
      const argc = argv.length;
      const n = Math.min(argc, SLOWLOG_ENTRY_MAX_ARGC);
      const args = new Array<string>(n);
      for (let j = 0; j < n; j++) {
        if (n !== argc && j === n - 1) args[j] = `... (${argc - n + 1} more arguments)`;
        else {
          const a = argv[j];
          args[j] = a.length > SLOWLOG_ENTRY_MAX_STRING
            ? `${a.slice(0, SLOWLOG_ENTRY_MAX_STRING)}... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)` : a;
        }
      }
      this.entries.unshift({ id: this.nextId++, time: Math.floor(nowMs / 1000), duration, argv: args, peerid, cname });
    }
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  /** SLOWLOG RESET keeps the id counter, as Redis does. */
  reset(): void { this.entries = []; }
}

const REDACTED = '(redacted)';
const REDACTING = new Set(['acl|setuser', 'auth', 'hello', 'config|set', 'migrate']);
const SENSITIVE_CONFIGS = new Set(['masteruser', 'masterauth', 'requirepass']);

/**
 * redactClientCommandArgument as the commands apply it before the slow log sees
 * their arguments: passwords and user rules never reach it.
 */
export function redactArgs(fullname: string, argv: string[]): string[] {
  if (!REDACTING.has(fullname)) return argv;
  const out = argv.slice();
  const at = (i: number) => { if (i < out.length) out[i] = REDACTED; };
  switch (fullname) {
    case 'acl|setuser': for (let j = 2; j < out.length; j++) at(j); break;
    case 'auth': if (out.length <= 3) { at(1); if (out.length === 3) at(2); } break;
    case 'hello':
      for (let j = 2; j < out.length; j++) {
        if (out[j].toLowerCase() === 'auth' && out.length - 1 - j >= 2) { at(j + 1); at(j + 2); j += 2; }
      }
      break;
    case 'config|set':
      for (let j = 2; j + 1 < out.length; j += 2) if (SENSITIVE_CONFIGS.has(out[j].toLowerCase())) at(j + 1);
      break;
    case 'migrate':
      for (let j = 6; j < out.length; j++) {
        const o = out[j].toLowerCase();
        if (o === 'auth') { at(j + 1); j++; } else if (o === 'auth2') { at(j + 1); at(j + 2); j += 2; } else if (o === 'keys') break;
      }
      break;
  }
  return out;
}
