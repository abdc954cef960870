/**
 * `redsim/ioredis`: real ioredis clients whose connection is an in-memory stream
 * into a RedSim, through ioredis's own `Connector` option. Everything ioredis does
 * (pipelines, multi, defineCommand and its EVALSHA fallback, scanStream, pub/sub,
 * blocking commands, duplicate(), reconnect) runs unchanged, with no TCP port.
 *
 *   import { createRedis } from 'redsim/ioredis';
 *   const redis = createRedis(sim);                  // or new Redis({ redsim: sim })
 *   vi.mock('ioredis', () => import('redsim/ioredis')); // `new Redis()` anywhere -> default instance
 */
import { Redis as IORedis, AbstractConnector, type RedisOptions } from 'ioredis';
import type { RedSim } from '../server.js';
import { getDefaultSim, openMemoryConnection } from './shared.js';

export { getDefaultSim, setDefaultSim, resetDefaultSim } from './shared.js';

/** ioredis options, plus the instance to connect to (default: the shared default instance). */
export type RedsimRedisOptions = RedisOptions & { redsim?: RedSim };

type ConnectorClass = NonNullable<RedisOptions['Connector']>;
const connectors = new WeakMap<RedSim, ConnectorClass>();

/** An ioredis Connector class that opens in-memory connections into `sim`. */
export function connectorFor(sim: RedSim): ConnectorClass {
  let C = connectors.get(sim);
  if (!C) {
    class RedsimConnector extends AbstractConnector {
      constructor(options: { disconnectTimeout?: number }) { super(options?.disconnectTimeout ?? 2000); }
      connect(): Promise<never> {
        this.connecting = true;
        const stream = openMemoryConnection(sim);
        this.stream = stream as never;
        return Promise.resolve(stream as never);
      }
    }
    C = RedsimConnector as unknown as ConnectorClass;
    connectors.set(sim, C);
  }
  return C;
}

/**
 * ioredis's Redis, connected in memory. Accepts every constructor form ioredis
 * accepts (port/host/URL are ignored: there is no network); `redsim` in the
 * options picks the instance, else the default one (getDefaultSim()).
 */
export class Redis extends IORedis {}

// ioredis resolves its constructor arguments in parseOptions (before it picks a
// connector), so the hook goes there; duplicate() copies the options, Connector
// included, so duplicates share the instance.
const parse = (IORedis.prototype as unknown as { parseOptions: (...a: unknown[]) => void }).parseOptions;
(Redis.prototype as unknown as { parseOptions: (...a: unknown[]) => void }).parseOptions = function (this: IORedis, ...args: unknown[]) {
  parse.apply(this, args);
  const o = this.options as RedsimRedisOptions;
  if (!o.Connector) o.Connector = connectorFor(o.redsim ?? getDefaultSim());
};

/** A new in-memory ioredis client for `sim` (default: the default instance). */
export function createRedis(sim?: RedSim, options: RedisOptions = {}): Redis {
  return new Redis({ ...options, redsim: sim ?? getDefaultSim() } as RedsimRedisOptions);
}

export default Redis;
export { Cluster, Command, Pipeline, ScanStream, ReplyError } from 'ioredis';
