/**
 * What the client adapters share: opening an in-memory connection into a RedSim
 * (served by the same connection handler as TCP clients), and the process-wide
 * default instance that module mocks (`vi.mock('ioredis', ...)`) connect to when
 * the code under test constructs clients without naming an instance.
 */
import { RedSim, type RedSimOptions } from '../server.js';
import { serveSocket } from '../net/server.js';
import { socketPair, type MemorySocket } from './memory-socket.js';

let defaultSim: RedSim | null = null;

/** The instance adapters use when none is given; created on first use. */
export function getDefaultSim(): RedSim {
  if (!defaultSim) defaultSim = new RedSim();
  return defaultSim;
}

/** Replace the default instance (e.g. one with a VirtualClock); returns it. */
export function setDefaultSim(sim: RedSim): RedSim {
  defaultSim = sim;
  return sim;
}

/** A fresh default instance for the next test; the old one's clients are closed. */
export function resetDefaultSim(opts: RedSimOptions = {}): RedSim {
  defaultSim?.stop();
  defaultSim = new RedSim(opts);
  return defaultSim;
}

/** A socket-shaped in-memory connection to `sim`, already being served. */
export function openMemoryConnection(sim: RedSim): MemorySocket {
  const { client, server } = socketPair();
  serveSocket(sim, server as never);
  return client;
}
