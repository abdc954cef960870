/** redsim: an in-memory simulator of Redis 7.0 semantics. */
export { RedSim, ServerClosedError, type RedSimOptions } from './server.js';
export { Connection, ReplyError, toJs, type Arg } from './api.js';
export { VirtualClock, RealClock, type Clock } from './clock.js';
export { SeededRandom, type RandomSource } from './random.js';
export type { Reply } from './reply.js';
