/**
 * CLUSTER, ASKING, READONLY and READWRITE on a standalone server. Redis 7.0 answers
 * every one of them (CLUSTER HELP and KEYSLOT included) with the same error once the
 * executor's arity and subcommand checks pass; redsim runs standalone only, so this
 * is the whole behaviour. The key-to-slot mapping a cluster needs is src/cluster/slot.ts.
 */
import { registerAll, type Handler } from '../registry.js';
import { err } from '../../reply.js';

export const ERR_CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';

const disabled: Handler = () => err(ERR_CLUSTER_DISABLED);

const SUBCOMMANDS = ['addslots', 'addslotsrange', 'bumpepoch', 'count-failure-reports', 'countkeysinslot', 'delslots',
  'delslotsrange', 'failover', 'flushslots', 'forget', 'getkeysinslot', 'help', 'info', 'keyslot', 'links', 'meet',
  'myid', 'nodes', 'replicas', 'replicate', 'reset', 'saveconfig', 'set-config-epoch', 'setslot', 'shards', 'slaves',
  'slots'];

const handlers: Record<string, Handler> = { asking: disabled, readonly: disabled, readwrite: disabled };
for (const s of SUBCOMMANDS) handlers[`cluster|${s}`] = disabled;
registerAll(handlers);
