// Run after `npm install` (which builds dist/): node examples/in-process.mjs
import { RedSim, VirtualClock, ReplyError } from '../dist/src/index.js';

const clock = new VirtualClock();
const sim = new RedSim({ clock, seed: 7 });
const alice = sim.connect();
const bob = sim.connect();

await alice.call('SET', 'balance', '100');
await alice.call('WATCH', 'balance');
await bob.call('DECRBY', 'balance', '30');        // a concurrent write dirties Alice's WATCH
await alice.call('MULTI');
await alice.call('SET', 'balance', '0');
console.log('EXEC after a concurrent write:', await alice.call('EXEC')); // null

await alice.call('SET', 'session', 'x', 'EX', '10');
clock.advance(10_000);                              // virtual time: no real waiting
console.log('session at 10s:', await alice.call('GET', 'session'));   // x (expired only after the deadline)
clock.advance(1);
console.log('session at 10.001s:', await alice.call('GET', 'session')); // null

try {
  await alice.call('MULTI');
  await alice.call('NOSUCHCOMMAND');
  await alice.call('EXEC');
} catch (e) {
  if (e instanceof ReplyError) console.log('error text:', e.message);
}
