/**
 * CLUSTER, ASKING, READONLY and READWRITE. On a standalone server (the default)
 * Redis 7.0 answers every one of them, CLUSTER HELP and KEYSLOT included, with the
 * same error once the executor's arity and subcommand checks pass. On a node of a
 * simulated cluster (src/cluster/) they follow cluster.c for that node's view.
 */
import { registerAll, type Handler } from '../registry.js';
import type { Ctx } from '../../context.js';
import { HELP_REPLIES } from '../table.js';
import { OK, ZERO, array, bulk, err, int, map, verbatim, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { CLUSTER_SLOTS, keyHashSlot } from '../../cluster/slot.js';
import { clusterFlags, clusterOf, type ClusterMember } from '../../cluster/routing.js';
import { keysInSlot, rangesOf, stateOk, type ClusterNode } from '../../cluster/state.js';

export const ERR_CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';

type ClusterHandler = (ctx: Ctx, argv: string[], m: ClusterMember) => Reply;

/** Standalone: the disabled error; cluster node: the handler. */
function inCluster(h: ClusterHandler): Handler {
  return (ctx, argv) => {
    const m = clusterOf(ctx.server);
    return m ? h(ctx, argv, m) : err(ERR_CLUSTER_DISABLED);
  };
}

/** What the simulation does not model: say so instead of inventing a reply. */
function notSimulated(what: string): Handler {
  return inCluster((_ctx, argv) =>
    err(`ERR redsim does not simulate CLUSTER ${argv[1].toUpperCase()} (${what})`));
}

/** getSlotOrReply. */
function slotArg(s: string): number | null {
  const v = parseLongLong(s);
  if (v === null || v < 0n || v >= BigInt(CLUSTER_SLOTS)) return null;
  return Number(v);
}
const ERR_SLOT = 'ERR Invalid or out of range slot';

/** checkSlotAssignmentsOrReply over start..end, marking `seen`. */
function checkSlots(me: ClusterNode, seen: Uint8Array, del: boolean, start: number, end: number): Reply | null {
  for (let s = start; s <= end; s++) {
    if (del && me.slots[s] === null) return err(`ERR Slot ${s} is already unassigned`);
    if (!del && me.slots[s] !== null) return err(`ERR Slot ${s} is already busy`);
    if (seen[s]++ === 1) return err(`ERR Slot ${s} specified multiple times`);
  }
  return null;
}

/** clusterUpdateSlots, then the cluster bus spreads the claims. */
function updateSlots(m: ClusterMember, seen: Uint8Array, del: boolean): Reply {
  const me = m.myself;
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (!seen[s]) continue;
    me.importingFrom.delete(s);
    me.slots[s] = del ? null : me;
  }
  m.state.settle();
  return OK;
}

function addDelSlots(del: boolean): ClusterHandler {
  return (_ctx, argv, m) => {
    const slots: number[] = [];
    for (let j = 2; j < argv.length; j++) {
      const s = slotArg(argv[j]);
      if (s === null) return err(ERR_SLOT);
      slots.push(s);
    }
    const seen = new Uint8Array(CLUSTER_SLOTS);
    for (const s of slots) {
      const e = checkSlots(m.myself, seen, del, s, s);
      if (e) return e;
    }
    return updateSlots(m, seen, del);
  };
}

function addDelSlotsRange(del: boolean): ClusterHandler {
  return (ctx, argv, m) => {
    if (argv.length % 2 === 1) return err(`ERR wrong number of arguments for '${ctx.spec.fullname}' command`);
    const seen = new Uint8Array(CLUSTER_SLOTS);
    for (let j = 2; j < argv.length; j += 2) {
      const a = slotArg(argv[j]);
      if (a === null) return err(ERR_SLOT);
      const b = slotArg(argv[j + 1]);
      if (b === null) return err(ERR_SLOT);
      if (a > b) return err(`ERR start slot number ${a} is greater than end slot number ${b}`);
      const e = checkSlots(m.myself, seen, del, a, b);
      if (e) return e;
    }
    return updateSlots(m, seen, del);
  };
}

/** clusterBumpConfigEpochWithoutConsensus. */
function bumpEpoch(m: ClusterMember): void {
  const max = Math.max(m.state.currentEpoch, ...m.state.nodes.map((n) => n.configEpoch));
  if (m.myself.configEpoch === 0 || m.myself.configEpoch !== max) {
    m.state.currentEpoch++;
    m.myself.configEpoch = m.state.currentEpoch;
  }
}

const setslot: ClusterHandler = (_ctx, argv, m) => {
  const me = m.myself;
  const slot = slotArg(argv[2]);
  if (slot === null) return err(ERR_SLOT);
  const action = argv[3].toLowerCase();
  const lookup = (id: string) => m.state.nodeById(id);
  if (action === 'migrating' && argv.length === 5) {
    if (me.slots[slot] !== me) return err(`ERR I'm not the owner of hash slot ${slot}`);
    const n = lookup(argv[4]);
    if (!n) return err(`ERR I don't know about node ${argv[4]}`);
    me.migratingTo.set(slot, n);
  } else if (action === 'importing' && argv.length === 5) {
    if (me.slots[slot] === me) return err(`ERR I'm already the owner of hash slot ${slot}`);
    const n = lookup(argv[4]);
    if (!n) return err(`ERR I don't know about node ${argv[4]}`);
    me.importingFrom.set(slot, n);
  } else if (action === 'stable' && argv.length === 4) {
    me.importingFrom.delete(slot);
    me.migratingTo.delete(slot);
  } else if (action === 'node' && argv.length === 5) {
    const n = lookup(argv[4]);
    if (!n) return err(`ERR Unknown node ${argv[4]}`);
    const count = keysInSlot(me, slot).length;
    if (me.slots[slot] === me && n !== me && count !== 0) {
      return err(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
    }
    if (count === 0) me.migratingTo.delete(slot);
    // (A master left without slots would turn into a replica of `n` in Redis; the
    // simulated nodes stay masters.)
    me.slots[slot] = n;
    if (n === me && me.importingFrom.has(slot)) {
      bumpEpoch(m);
      me.importingFrom.delete(slot);
    }
    m.state.settle();
  } else {
    return err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
  }
  return OK;
};

/** The node's own view as CLUSTER NODES prints it. */
function nodesText(m: ClusterMember, now: number): string {
  const me = m.myself;
  const order = [me, ...m.state.nodes.filter((n) => n !== me)];
  let out = '';
  for (const n of order) {
    const flags = n === me ? 'myself,master' : 'master';
    // No bus: pings are answered at once, so the last pong is "now".
    const pong = n === me ? Math.floor(now / 1000) * 1000 : now;
    let line = `${n.id} ${n.host}:${n.port}@${n.busPort} ${flags} - 0 ${pong} ${n.configEpoch} connected`;
    for (const [a, b] of rangesOf(me, n)) line += a === b ? ` ${a}` : ` ${a}-${b}`;
    if (n === me) {
      const marked = [...new Set([...me.migratingTo.keys(), ...me.importingFrom.keys()])].sort((x, y) => x - y);
      for (const s of marked) {
        const to = me.migratingTo.get(s);
        line += to ? ` [${s}->-${to.id}]` : ` [${s}-<-${me.importingFrom.get(s)!.id}]`;
      }
    }
    out += line + '\n';
  }
  return out;
}

function infoText(m: ClusterMember): string {
  const me = m.myself;
  let assigned = 0;
  const owners = new Set<ClusterNode>();
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    const n = me.slots[s];
    if (n) { assigned++; owners.add(n); }
  }
  const lines = [
    `cluster_state:${stateOk(me) ? 'ok' : 'fail'}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${assigned}`,
    'cluster_slots_pfail:0',
    'cluster_slots_fail:0',
    `cluster_known_nodes:${m.state.nodes.length}`,
    `cluster_size:${owners.size}`,
    `cluster_current_epoch:${m.state.currentEpoch}`,
    `cluster_my_epoch:${me.configEpoch}`,
    // There is no cluster bus: no messages are exchanged.
    'cluster_stats_messages_sent:0',
    'cluster_stats_messages_received:0',
    'total_cluster_links_buffer_limit_exceeded:0',
  ];
  return lines.join('\r\n') + '\r\n';
}

function slotsReply(m: ClusterMember): Reply {
  const me = m.myself;
  const out: Reply[] = [];
  // Ranges in slot order, each with its master (no replicas are simulated).
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    const n = me.slots[s];
    if (!n) continue;
    const start = s;
    while (s + 1 < CLUSTER_SLOTS && me.slots[s + 1] === n) s++;
    out.push(array([int(start), int(s), array([bulk(n.host), int(n.port), bulk(n.id), map([])])]));
  }
  return array(out);
}

const handlers: Record<string, Handler> = {
  asking: inCluster((ctx) => { clusterFlags(ctx.client).asking = true; return OK; }),
  readonly: inCluster((ctx) => { clusterFlags(ctx.client).readonly = true; return OK; }),
  readwrite: inCluster((ctx) => { clusterFlags(ctx.client).readonly = false; return OK; }),
  'cluster|help': inCluster(() => HELP_REPLIES.cluster),
  'cluster|keyslot': inCluster((_ctx, argv) => int(keyHashSlot(argv[2]))),
  'cluster|countkeysinslot': inCluster((_ctx, argv, m) => {
    const v = parseLongLong(argv[2]);
    if (v === null) return err('ERR value is not an integer or out of range');
    if (v < 0n || v >= BigInt(CLUSTER_SLOTS)) return err('ERR Invalid slot');
    return int(keysInSlot(m.myself, Number(v)).length);
  }),
  'cluster|getkeysinslot': inCluster((_ctx, argv, m) => {
    const slot = parseLongLong(argv[2]);
    if (slot === null) return err('ERR value is not an integer or out of range');
    const max = parseLongLong(argv[3]);
    if (max === null) return err('ERR value is not an integer or out of range');
    if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS) || max < 0n) return err('ERR Invalid slot or number of keys');
    const keys = keysInSlot(m.myself, Number(slot));
    return array(keys.slice(0, Number(max < BigInt(keys.length) ? max : BigInt(keys.length))).map(bulk));
  }),
  'cluster|myid': inCluster((_ctx, _argv, m) => bulk(m.myself.id)),
  'cluster|info': inCluster((_ctx, _argv, m) => verbatim(infoText(m))),
  'cluster|nodes': inCluster((ctx, _argv, m) => verbatim(nodesText(m, ctx.server.clock.now()))),
  'cluster|slots': inCluster((_ctx, _argv, m) => slotsReply(m)),
  'cluster|addslots': inCluster(addDelSlots(false)),
  'cluster|delslots': inCluster(addDelSlots(true)),
  'cluster|addslotsrange': inCluster(addDelSlotsRange(false)),
  'cluster|delslotsrange': inCluster(addDelSlotsRange(true)),
  'cluster|setslot': inCluster(setslot),
  'cluster|flushslots': inCluster((_ctx, _argv, m) => {
    if (m.myself.server.dbs[0].size !== 0) return err('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.');
    const me = m.myself;
    for (let s = 0; s < CLUSTER_SLOTS; s++) if (me.slots[s] === me) me.slots[s] = null;
    return OK;
  }),
  'cluster|count-failure-reports': inCluster((_ctx, argv, m) =>
    m.state.nodeById(argv[2]) ? ZERO : err(`ERR Unknown node ${argv[2]}`)),
  'cluster|shards': notSimulated('use CLUSTER SLOTS or CLUSTER NODES'),
  'cluster|links': notSimulated('there is no cluster bus'),
  'cluster|meet': notSimulated('the simulated nodes are created together'),
  'cluster|forget': notSimulated('the simulated nodes are created together'),
  'cluster|replicate': notSimulated('replicas are not simulated'),
  'cluster|replicas': notSimulated('replicas are not simulated'),
  'cluster|slaves': notSimulated('replicas are not simulated'),
  'cluster|failover': notSimulated('replicas are not simulated'),
  'cluster|reset': notSimulated('the simulated nodes are created together'),
  'cluster|saveconfig': notSimulated('there is no nodes.conf'),
  'cluster|bumpepoch': notSimulated('epochs are assigned when the cluster is created'),
  'cluster|set-config-epoch': notSimulated('epochs are assigned when the cluster is created'),
};
registerAll(handlers);
