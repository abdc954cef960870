/** redsim: an in-memory simulator of Redis 7.0 semantics. */
export { RedSim, ServerClosedError, type RedSimOptions } from './server.js';
export { Connection, ReplyError, toJs, type Arg } from './api.js';
export { VirtualClock, RealClock, type Clock } from './clock.js';
export { SeededRandom, type RandomSource } from './random.js';
export type { Reply } from './reply.js';
export type { CommandReplies, ReplyOf } from './reply-types.js';
export { startServer, type StartServerOptions, type StartedServer } from './testing/server.js';
export { redsimMatchers, type RedsimMatchers } from './testing/matchers.js';
export type { Snapshot } from './testing/snapshot.js';
export type { KeyInfo } from './testing/inspect.js';
