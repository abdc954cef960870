/**
 * Hooks for explain mode (the REPL's `:explain`): the executor reports what it
 * decided, so explanations come from records, never from reading reply text.
 * `server.explain` is null unless a listener is attached; the executor pays one
 * null check per command.
 */
import type { Client } from './client.js';
import type { CommandSpec } from './commands/table.js';
import type { Reply } from './reply.js';

export interface ExplainListener {
  /** A command refused before running (processCommand's rejectCommand). */
  rejected(client: Client, spec: CommandSpec | undefined, msg: string): void;
  /** A command that ran (top level, inside EXEC, or inside a script: client.kind === 'script'). */
  called(client: Client, spec: CommandSpec, argv: string[], reply: Reply | Promise<Reply>): void;
  /** A script (EVAL or function) starts running for `caller`. */
  scriptStarted(caller: Client): void;
  /** A script's redis.call refused before running (read-only script, ACL, ...). */
  scriptRefused(spec: CommandSpec, argv: string[], reason: 'read-only' | 'other', msg: string): void;
}
