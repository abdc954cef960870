/** `redsim/testing`: helpers for test suites (see README, "Testing with redsim"). */
export { startServer, type StartServerOptions, type StartedServer } from './server.js';
export { redsimMatchers, type RedsimMatchers } from './matchers.js';
export { takeSnapshot, restoreSnapshot, type Snapshot } from './snapshot.js';
export { keysOf, inspectKey, dumpKeyspace, type KeyInfo } from './inspect.js';
