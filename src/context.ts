/** What a command handler sees: the server, the calling client and its database. */
import type { RedSim } from './server.js';
import type { Client } from './client.js';
import type { Database } from './keyspace/db.js';
import type { CommandSpec } from './commands/table.js';

export interface Ctx {
  server: RedSim;
  client: Client;
  /** The client's selected database (client.db). */
  db: Database;
  spec: CommandSpec;
  /** Running inside EXEC. */
  inExec: boolean;
  /** Running inside a Lua script (redis.call). */
  inScript: boolean;
  /** Blocking commands must answer as if the timeout passed (inside EXEC or scripts). */
  denyBlocking: boolean;
}
