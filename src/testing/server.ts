/**
 * A RESP server from test code, for code that insists on a URL: an in-process
 * RedSim (whose clock the test holds) behind a loopback port.
 */
import { RedSim, type RedSimOptions } from '../server.js';
import { RedSimServer } from '../net/server.js';

export interface StartServerOptions extends RedSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** An existing instance to serve instead of a new one. */
  sim?: RedSim;
}

export interface StartedServer {
  port: number;
  host: string;
  /** redis://host:port */
  url: string;
  sim: RedSim;
  close(): Promise<void>;
}

export async function startServer(opts: StartServerOptions = {}): Promise<StartedServer> {
  const sim = opts.sim ?? new RedSim(opts);
  const server = new RedSimServer(sim);
  const addr = await server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  sim.startActiveExpire();
  const host = addr.address;
  return { port: addr.port, host, url: `redis://${host.includes(':') ? `[${host}]` : host}:${addr.port}`, sim, close: () => server.close() };
}
