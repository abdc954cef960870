/**
 * MONITOR (Redis's replicationFeedMonitors): every command a client runs, as
 * `+<sec>.<usec> [<db> <addr>] "arg" ...`, sent to each monitor as a status line.
 * Commands from scripts show `[<db> lua]`. Arguments are quoted with sdscatrepr
 * escaping; AUTH/HELLO/MIGRATE secrets are redacted as the Redis handlers do it.
 */
import type { RedSim } from '../server.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { reprBytes } from '../resp/render.js';
import { deliverAfterReply } from './pubsub.js';

/** Script commands feed the monitors themselves, before their script runs (eval.c, functions.c). */
export const FEED_BEFORE = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** Argument positions the command's handler redacts (redactClientCommandArgument). */
function redacted(argv: string[]): Set<number> | null {
  const name = argv[0].toLowerCase();
  const out = new Set<number>();
  if (name === 'auth') {
    if (argv.length > 3) return null;
    out.add(1);
    if (argv.length === 3) out.add(2);
  } else if (name === 'hello') {
    let j = 1;
    if (argv.length >= 2) {
      if (!/^-?\d+$/.test(argv[1])) return null;
      const v = Number(argv[1]);
      if (v < 2 || v > 3) return null;
      j = 2;
    }
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'auth' && more >= 2) { out.add(j + 1); out.add(j + 2); j += 2; } else if (opt === 'setname' && more >= 1) j++;
      else break;
    }
  } else if (name === 'migrate') {
    for (let j = 6; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'copy' || opt === 'replace') continue;
      if (opt === 'auth') { if (!more) break; out.add(++j); } else if (opt === 'auth2') { if (more < 2) break; out.add(++j); out.add(++j); } else break;
    }
  } else return null;
  return out.size ? out : null;
}

/** The line (without '+' and CRLF) for one command. */
export function monitorLine(server: RedSim, c: Client, argv: string[], dbid: number): string {
  const us = Math.floor(server.clock.nowUs());
  const sec = Math.floor(us / 1e6);
  const usec = String(us - sec * 1e6).padStart(6, '0');
  const who = c.kind === 'script' ? 'lua' : c.addr;
  const hide = redacted(argv);
  let line = `${sec}.${usec} [${dbid} ${who}]`;
  for (let j = 0; j < argv.length; j++) line += ' ' + reprBytes(hide?.has(j) ? '(redacted)' : argv[j]);
  return line;
}

export function feedMonitors(server: RedSim, c: Client, argv: string[], dbid: number): void {
  const frame: Reply = { t: 'status', v: monitorLine(server, c, argv, dbid) };
  for (const m of server.monitors) deliverAfterReply(server, m, frame);
}
