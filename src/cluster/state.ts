/**
 * The simulated Redis Cluster: N master nodes in one process, each a whole RedSim
 * (its own keyspace, clients and config). Each node keeps its own view of the slot
 * table, as in Redis; `settle()` plays the part of the cluster bus, propagating
 * slot claims between views the way Redis's gossip does (clusterUpdateSlotsConfigWith:
 * a claim wins when the claimer's config epoch beats the current owner's), so after
 * each configuration command the nodes are in the state a real cluster reaches a
 * moment later.
 */
import type { RedSim } from '../server.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slot.js';

export class ClusterNode {
  /** slot -> node it migrates to (CLUSTER SETSLOT ... MIGRATING). */
  readonly migratingTo = new Map<number, ClusterNode>();
  /** slot -> node it imports from (CLUSTER SETSLOT ... IMPORTING). */
  readonly importingFrom = new Map<number, ClusterNode>();
  configEpoch = 0;
  /** This node's view: owner of each slot, or null when unassigned. */
  readonly slots: Array<ClusterNode | null> = new Array<ClusterNode | null>(CLUSTER_SLOTS).fill(null);
  /** Set once the node's RedSim exists. */
  server!: RedSim;
  constructor(public readonly id: string, public readonly host: string, public readonly port: number) {}
  get busPort(): number { return this.port + 10000; }
}

export class ClusterState {
  readonly nodes: ClusterNode[] = [];
  currentEpoch = 0;

  nodeById(id: string): ClusterNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  /** Propagate every node's claims to the other nodes' views (the gossip outcome). */
  settle(): void {
    for (const sender of this.nodes) {
      for (let j = 0; j < CLUSTER_SLOTS; j++) {
        if (sender.slots[j] !== sender) continue;
        for (const b of this.nodes) {
          if (b === sender) continue;
          const cur = b.slots[j];
          if (cur === sender || b.importingFrom.has(j)) continue;
          if (cur === null || cur.configEpoch < sender.configEpoch) {
            // A node that loses a slot it served drops the keys it still holds there.
            if (cur === b) dropSlotKeys(b, j);
            b.slots[j] = sender;
          }
        }
      }
    }
  }
}

function dropSlotKeys(node: ClusterNode, slot: number): void {
  const db = node.server.dbs[0];
  for (const k of [...db.data.keys()]) if (keyHashSlot(k) === slot) db.delete(k);
}

/** Slots a node sees owned by `owner`, as ascending [start, end] ranges. */
export function rangesOf(view: ClusterNode, owner: ClusterNode): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (view.slots[s] !== owner) continue;
    const start = s;
    while (s + 1 < CLUSTER_SLOTS && view.slots[s + 1] === owner) s++;
    out.push([start, s]);
  }
  return out;
}

/**
 * cluster_state as a node sees it: ok only when every slot is served
 * (cluster-require-full-coverage yes, the default); simulated nodes never fail.
 */
export function stateOk(view: ClusterNode): boolean {
  if (view.server.config.get('cluster-require-full-coverage') === 'no') return true;
  for (let s = 0; s < CLUSTER_SLOTS; s++) if (view.slots[s] === null) return false;
  return true;
}

/** Keys of the node's db 0 in a slot: newest first, as Redis's per-slot key lists. */
export function keysInSlot(node: ClusterNode, slot: number): string[] {
  const out: string[] = [];
  for (const k of node.server.dbs[0].data.keys()) if (keyHashSlot(k) === slot) out.push(k);
  return out.reverse();
}

/**
 * The slot split of `redis-cli --cluster create` for `masters` nodes: each takes
 * 16384/N slots, computed in C float arithmetic and rounded with lround; the last
 * node takes the rest.
 */
export function splitSlots(masters: number): Array<[number, number]> {
  const f = Math.fround;
  const per = f(CLUSTER_SLOTS / f(masters));
  const out: Array<[number, number]> = [];
  let first = 0;
  let cursor = f(0);
  for (let i = 0; i < masters; i++) {
    const x = f(f(cursor + per) - 1);
    let last = Math.sign(x) * Math.round(Math.abs(x)); // lround: halves away from zero
    if (last > CLUSTER_SLOTS || i === masters - 1) last = CLUSTER_SLOTS - 1;
    if (last < first) last = first;
    out.push([first, last]);
    first = last + 1;
    cursor = f(cursor + per);
  }
  return out;
}
