/**
 * For clients that offer no way to supply a connection (node-redis builds its
 * socket with net.createConnection and has no socket factory option): a host name
 * in the reserved `.invalid` domain (RFC 2606: never resolves) that
 * net.createConnection answers with an in-memory connection into a registered
 * RedSim. Every other host goes to the real net.createConnection untouched.
 */
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import type { RedSim } from '../server.js';
import { openMemoryConnection } from './shared.js';

const DOMAIN = '.redsim.invalid';
const byHost = new Map<string, RedSim>();
const hostOf = new WeakMap<RedSim, string>();
let counter = 0;
let installed = false;

type CreateConnection = typeof net.createConnection;

function install(): void {
  if (installed) return;
  installed = true;
  const real: CreateConnection = net.createConnection;
  const patched = function (this: unknown, ...args: unknown[]) {
    const a0 = args[0];
    const host = typeof a0 === 'object' && a0 !== null ? (a0 as { host?: unknown }).host : args[1];
    const sim = typeof host === 'string' ? byHost.get(host.toLowerCase()) : undefined;
    if (!sim) return (real as (...a: unknown[]) => net.Socket).apply(this, args);
    const sock = openMemoryConnection(sim);
    const cb = args.find((x) => typeof x === 'function') as (() => void) | undefined;
    if (cb) sock.once('connect', cb);
    return sock as unknown as net.Socket;
  } as CreateConnection;
  net.createConnection = patched;
  net.connect = patched;
  // ESM `import { createConnection } from 'node:net'` sees the patched function too.
  syncBuiltinESMExports();
}

/**
 * The host name that connects to `sim` in memory (`<n>.redsim.invalid`, any port):
 * usable by any client that calls net.createConnection, e.g. `redis://1.redsim.invalid`.
 */
export function hostFor(sim: RedSim): string {
  install();
  let h = hostOf.get(sim);
  if (!h) {
    h = `${++counter}${DOMAIN}`;
    hostOf.set(sim, h);
    byHost.set(h, sim);
  }
  return h;
}

/** Forget `sim`'s host name (later connections to it fail as an unknown host would). */
export function releaseHost(sim: RedSim): void {
  const h = hostOf.get(sim);
  if (h) { byHost.delete(h); hostOf.delete(sim); }
}
