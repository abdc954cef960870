/**
 * Which node serves a command (cluster.c getNodeByQuery) and the redirection
 * errors (clusterRedirectClient): CROSSSLOT, MOVED, ASK, TRYAGAIN, CLUSTERDOWN.
 * The executor asks this before running or queueing any command that has keys
 * (and for EXEC, about the whole queued transaction).
 */
import type { Client, QueuedCommand } from '../client.js';
import type { CommandSpec } from '../commands/table.js';
import { getKeys, keySpecs } from '../commands/keyspec.js';
import type { RedSim } from '../server.js';
import { keyHashSlot } from './slot.js';
import { stateOk, type ClusterNode, type ClusterState } from './state.js';

/** What a node's RedSim holds in `ext.cluster`. */
export interface ClusterMember { state: ClusterState; myself: ClusterNode }

export function clusterOf(server: RedSim): ClusterMember | undefined {
  return server.ext.cluster as ClusterMember | undefined;
}

/** CLIENT_ASKING / CLIENT_READONLY of a connection. */
interface ClusterClientFlags { asking: boolean; readonly: boolean }
const FLAGS = new WeakMap<Client, ClusterClientFlags>();
export function clusterFlags(c: Client): ClusterClientFlags {
  let f = FLAGS.get(c);
  if (!f) { f = { asking: false, readonly: false }; FLAGS.set(c, f); }
  return f;
}

/**
 * resetClient: ASKING holds for the next command only, except that inside MULTI
 * it lasts until the transaction ends.
 */
export function afterCommand(client: Client, fullname: string): void {
  const f = FLAGS.get(client);
  if (f && f.asking && !client.multi && fullname !== 'asking') f.asking = false;
}

export type RedirCode = 'none' | 'crossslot' | 'unstable' | 'down' | 'down_ro' | 'unbound' | 'moved' | 'ask';
/** `slot` is the command's hash slot, or -1 when it has no keys. */
export interface Route { node: ClusterNode | null; code: RedirCode; slot: number }

/** Does the executor consult the cluster for this command (processCommand's condition)? */
export function needsRouting(spec: CommandSpec): boolean {
  return spec.flags.has('movablekeys') || keySpecs(spec).length > 0 || spec.fullname === 'exec';
}

const PUBSUB_SHARD = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);

/**
 * getNodeByQuery for `spec argv` from `client` on node `m` (for EXEC: the queued
 * commands). `checkFlags` is the command whose flags decide (the script's command
 * inside a script).
 */
export function getNodeByQuery(m: ClusterMember, client: Client, spec: CommandSpec, argv: string[]): Route {
  const { myself } = m;
  let commands: QueuedCommand[];
  if (spec.fullname === 'exec') {
    if (!client.multi) return { node: myself, code: 'none', slot: -1 };
    commands = client.queue;
  } else {
    commands = [{ spec, argv }];
  }
  const pubsubShard = PUBSUB_SHARD.has(spec.fullname);
  let firstKey: string | null = null;
  let slot = 0;
  let n: ClusterNode | null = null;
  let migrating = false, importing = false, multipleKeys = false;
  let missing = 0, existing = 0;
  const db0 = m.myself.server.dbs[0];
  for (const mc of commands) {
    for (const k of getKeys(mc.spec, mc.argv)) {
      const key = mc.argv[k.pos];
      const thisSlot = keyHashSlot(key);
      if (firstKey === null) {
        firstKey = key;
        slot = thisSlot;
        n = myself.slots[slot];
        if (n === null) return { node: null, code: 'unbound', slot };
        if (n === myself && myself.migratingTo.has(slot)) migrating = true;
        else if (myself.importingFrom.has(slot)) importing = true;
      } else if (firstKey !== key) {
        if (slot !== thisSlot) return { node: null, code: 'crossslot', slot };
        multipleKeys = true;
      }
      if ((migrating || importing) && !pubsubShard) {
        if (db0.peek(key) === undefined) missing++; else existing++;
      }
    }
  }
  if (n === null) return { node: myself, code: 'none', slot: -1 };

  const flags = spec.flags;
  if (!stateOk(myself)) {
    const cfg = myself.server.config;
    if (pubsubShard) {
      if (cfg.get('cluster-allow-pubsubshard-when-down') !== 'yes') return { node: null, code: 'down', slot };
    } else if (cfg.get('cluster-allow-reads-when-down') !== 'yes') {
      return { node: null, code: 'down', slot };
    } else if (flags.has('write')) {
      return { node: null, code: 'down_ro', slot };
    }
  }
  // MIGRATE must run where the keys are during a migration.
  if ((migrating || importing) && spec.fullname === 'migrate') return { node: myself, code: 'none', slot };
  if (migrating && missing) {
    if (existing) return { node: null, code: 'unstable', slot };
    return { node: myself.migratingTo.get(slot)!, code: 'ask', slot };
  }
  if (importing && (clusterFlags(client).asking || flags.has('asking'))) {
    if (multipleKeys && missing) return { node: null, code: 'unstable', slot };
    return { node: myself, code: 'none', slot };
  }
  // (READONLY only lets a replica serve reads; every simulated node is a master.)
  return { node: n, code: n !== myself ? 'moved' : 'none', slot };
}

/** The error clusterRedirectClient sends. */
export function redirectError(r: Route): string {
  switch (r.code) {
    case 'crossslot': return "CROSSSLOT Keys in request don't hash to the same slot";
    case 'unstable': return 'TRYAGAIN Multiple keys request during rehashing of slot';
    case 'down': return 'CLUSTERDOWN The cluster is down';
    case 'down_ro': return 'CLUSTERDOWN The cluster is down and only accepts read commands';
    case 'unbound': return 'CLUSTERDOWN Hash slot not served';
    case 'moved': case 'ask':
      return `${r.code === 'ask' ? 'ASK' : 'MOVED'} ${r.slot} ${r.node!.host}:${r.node!.port}`;
    default: return 'ERR not a redirection';
  }
}

/** c->slot: the hash slot of the client's current command (-1: none), which scripts extend. */
const SLOT = new WeakMap<Client, number>();
export function setClientSlot(c: Client, slot: number): void { SLOT.set(c, slot); }

/**
 * scriptVerifyClusterState: a command a script runs must be served by this node,
 * and (unless the script allows cross-slot keys) stay in the slot of the keys the
 * script has used so far, starting with its declared keys. The error text, or null.
 */
export function scriptClusterCheck(m: ClusterMember, caller: Client, scriptClient: Client, spec: CommandSpec,
  argv: string[], allowCrossSlot: boolean): string | null {
  // The script client acts with the caller's ASKING / READONLY.
  const cf = clusterFlags(caller), sf = clusterFlags(scriptClient);
  sf.asking = cf.asking;
  sf.readonly = cf.readonly;
  const r = getNodeByQuery(m, scriptClient, spec, argv);
  if (r.node !== m.myself) {
    if (r.code === 'down_ro') return 'Script attempted to execute a write command while the cluster is down and readonly';
    if (r.code === 'down') return 'Script attempted to execute a command while the cluster is down';
    return 'Script attempted to access a non local key in a cluster node';
  }
  if (r.slot !== -1 && !allowCrossSlot) {
    const cur = SLOT.get(caller) ?? -1;
    if (cur === -1) SLOT.set(caller, r.slot);
    else if (cur !== r.slot) return 'Script attempted to access keys that do not hash to the same slot';
  }
  return null;
}
