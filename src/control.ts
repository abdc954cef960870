/**
 * The opt-in control channel (RedSimOptions.controlCommands, `redsim serve
 * --control-commands`): commands Redis does not have, for tests that reach redsim
 * only through a socket. Disabled, these names get Redis's unknown-command error
 * like any other unknown name.
 *
 *   REDSIM.CLOCK GET          -> current virtual time, ms since the epoch
 *   REDSIM.CLOCK ADVANCE ms   -> moves the virtual clock forward (timers fire), returns the new time
 *   REDSIM.CLOCK SET ms       -> sets the virtual clock (not backwards), returns the new time
 */
import type { RedSim } from './server.js';
import type { Reply } from './reply.js';
import { err } from './reply.js';
import { VirtualClock } from './clock.js';

export function isControlCommand(name: string): boolean {
  return name.length > 7 && name.slice(0, 7).toLowerCase() === 'redsim.';
}

export function runControlCommand(server: RedSim, argv: string[]): Reply {
  const cmd = argv[0].toLowerCase();
  if (cmd !== 'redsim.clock') return err(`ERR unknown redsim control command '${argv[0]}' (known: REDSIM.CLOCK)`);
  const sub = (argv[1] ?? '').toLowerCase();
  const clock = server.clock;
  if (!(clock instanceof VirtualClock)) return err('ERR REDSIM.CLOCK needs a virtual clock (start the server with a VirtualClock or --virtual-time)');
  const now = (): Reply => ({ t: 'int', v: clock.now() });
  if (sub === 'get' && argv.length === 2) return now();
  if ((sub === 'advance' || sub === 'set') && argv.length === 3) {
    if (!/^-?\d+$/.test(argv[2])) return err('ERR value is not an integer or out of range');
    const ms = Number(argv[2]);
    if (sub === 'advance') {
      if (ms < 0) return err('ERR REDSIM.CLOCK ADVANCE takes a non-negative number of milliseconds');
      clock.advance(ms);
    } else {
      if (ms < clock.now()) return err('ERR REDSIM.CLOCK SET cannot move the clock backwards');
      clock.set(ms);
    }
    // Expired keys and timed-out clients are dealt with as after any clock move.
    server.blocking.serveReady();
    return now();
  }
  return err('ERR syntax: REDSIM.CLOCK GET | ADVANCE <ms> | SET <ms>');
}
