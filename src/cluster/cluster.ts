/**
 * RedSimCluster: a Redis Cluster of `masters` nodes in one process. Each node is a
 * RedSim with cluster-enabled yes and its own keyspace; the nodes share one
 * ClusterState (src/cluster/state.ts). Slots are split as `redis-cli --cluster
 * create` splits them and config epochs numbered 1..N as it assigns them.
 */
import { RedSim, type RedSimOptions } from '../server.js';
import type { Connection } from '../api.js';
import { SeededRandom } from '../random.js';
import { ClusterNode, ClusterState, splitSlots } from './state.js';
import type { ClusterMember } from './routing.js';

export interface ClusterOptions {
  masters: number;
  /** Address the nodes announce (MOVED/ASK replies, CLUSTER NODES/SLOTS). */
  host?: string;
  /** Port of node 0; node i announces basePort + i. */
  basePort?: number;
  /** Node ids (40 hex chars) instead of seeded random ones. */
  ids?: string[];
}

function randomId(rnd: SeededRandom): string {
  let s = '';
  for (let i = 0; i < 40; i++) s += '0123456789abcdef'[rnd.int(16)];
  return s;
}

export class RedSimCluster {
  readonly state = new ClusterState();
  readonly nodes: RedSim[] = [];

  constructor(opts: RedSimOptions & { cluster: ClusterOptions }) {
    const { masters, host = '127.0.0.1', basePort = 30001 } = opts.cluster;
    if (!Number.isInteger(masters) || masters < 1 || masters > 1000) throw new Error('cluster: masters must be 1..1000');
    const rnd = new SeededRandom((opts.seed ?? 1) ^ 0x5eed);
    const ranges = splitSlots(masters);
    for (let i = 0; i < masters; i++) {
      const id = opts.cluster.ids?.[i] ?? randomId(rnd);
      const node = new ClusterNode(id, host, basePort + i);
      const server = new RedSim({
        ...opts,
        seed: opts.seed === undefined ? undefined : opts.seed + i,
        config: { ...opts.config, 'cluster-enabled': 'yes', port: basePort + i },
      });
      node.server = server;
      node.configEpoch = i + 1;
      const member: ClusterMember = { state: this.state, myself: node };
      server.ext.cluster = member;
      this.state.nodes.push(node);
      this.nodes.push(server);
    }
    for (const view of this.state.nodes) {
      this.state.nodes.forEach((owner, i) => {
        const [a, b] = ranges[i];
        for (let s = a; s <= b; s++) view.slots[s] = owner;
      });
    }
    this.state.currentEpoch = masters;
  }

  /** A client of node i. */
  connect(i: number): Connection {
    return this.nodes[i].connect({ laddr: `${this.state.nodes[i].host}:${this.state.nodes[i].port}` });
  }

  stop(): void {
    for (const n of this.nodes) n.stop();
  }
}
