/**
 * `redsim/node-redis`: real node-redis (v4/v5) clients connected in memory to a
 * RedSim. node-redis opens its socket with net.createConnection and offers no
 * socket factory, so the client is pointed at the instance's reserved host name
 * (see net-intercept.ts); RESP3, pub/sub, pipelines, transactions and scripts run
 * through node-redis's own code.
 *
 *   import { createClient } from 'redsim/node-redis';
 *   const client = await createClient(sim).connect();
 */
import { createClient as createNodeRedisClient } from 'redis';
import type { RedSim } from '../server.js';
import { getDefaultSim } from './shared.js';
import { hostFor } from './net-intercept.js';

export { getDefaultSim, setDefaultSim, resetDefaultSim } from './shared.js';
export { hostFor } from './net-intercept.js';

type Options = NonNullable<Parameters<typeof createNodeRedisClient>[0]>;

/** node-redis's createClient, connected to `sim` (default: the default instance). */
export function createClient(sim?: RedSim, options: Options = {}): ReturnType<typeof createNodeRedisClient> {
  const host = hostFor(sim ?? getDefaultSim());
  const socket = { ...(options.socket ?? {}), host, port: 6379, tls: false } as Options['socket'];
  // node-redis v5 with RESP3 resolves the host for Redis Enterprise maintenance
  // notifications ('auto'); the reserved host name has no address, and there is
  // no Enterprise cluster to hear from.
  const extra = { maintNotifications: 'disabled' } as Partial<Options>;
  return createNodeRedisClient({ ...extra, ...options, url: undefined, socket });
}
