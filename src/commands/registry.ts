/**
 * Handlers are registered by full command name ('get', 'config|get'). The table
 * (table.ts) is the source of arity and flags; a test ties every table row to a
 * handler here or to an explicit "not supported" entry.
 */
import type { Reply } from '../reply.js';
import { err } from '../reply.js';
import type { CommandSpec } from './table.js';
import type { Ctx } from '../context.js';

export type Handler = (ctx: Ctx, argv: string[]) => Reply | Promise<Reply>;

export const HANDLERS = new Map<string, Handler>();
/** fullname -> why redsim does not support it. */
export const UNSUPPORTED = new Map<string, string>();

export function register(fullname: string, handler: Handler): void {
  const k = fullname.toLowerCase();
  if (HANDLERS.has(k)) throw new Error(`duplicate handler for ${k}`);
  HANDLERS.set(k, handler);
}

/** Register many handlers at once: register({ get: fn, 'config|get': fn2 }). */
export function registerAll(handlers: Record<string, Handler>): void {
  for (const [k, h] of Object.entries(handlers)) register(k, h);
}

/** Mark a command Redis has but redsim deliberately does not implement. */
export function unsupported(fullnames: string[], why: string): void {
  for (const f of fullnames) UNSUPPORTED.set(f.toLowerCase(), why);
}

export function unsupportedReply(spec: CommandSpec): Reply {
  const why = UNSUPPORTED.get(spec.fullname) ?? 'not implemented';
  return err(`ERR redsim does not support the '${spec.fullname.toUpperCase().replace('|', ' ')}' command (${why})`);
}
