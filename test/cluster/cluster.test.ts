import { describe, it, expect } from 'vitest';
import { RedSimCluster } from '../../src/cluster/cluster.js';
import { splitSlots } from '../../src/cluster/state.js';
import { RedSim } from '../../src/server.js';

describe('simulated cluster', () => {
  it('splits slots as redis-cli --cluster create does', () => {
    expect(splitSlots(3)).toEqual([[0, 5460], [5461, 10922], [10923, 16383]]);
    expect(splitSlots(1)).toEqual([[0, 16383]]);
    expect(splitSlots(6)).toEqual([[0, 2730], [2731, 5460], [5461, 8191], [8192, 10922], [10923, 13652], [13653, 16383]]);
  });

  it('keeps one keyspace per node and redirects with MOVED', async () => {
    const c = new RedSimCluster({ seed: 3, cluster: { masters: 3, basePort: 7000 } });
    const n0 = c.connect(0), n2 = c.connect(2);
    await expect(n0.call('SET', 'foo', 'bar')).rejects.toThrow('MOVED 12182 127.0.0.1:7002');
    expect(await n2.call('SET', 'foo', 'bar')).toBe('OK');
    expect(c.nodes[2].dbs[0].size).toBe(1);
    expect(c.nodes[0].dbs[0].size).toBe(0);
    await expect(n2.call('MSET', '{a}x', '1', 'b', '2')).rejects.toThrow('CROSSSLOT');
    expect(await n0.call('CLUSTER', 'KEYSLOT', 'foo')).toBe(12182);
    c.stop();
  });

  it('answers HELLO and INFO with cluster mode, and refuses SELECT other than 0', async () => {
    const c = new RedSimCluster({ seed: 3, cluster: { masters: 2 } });
    const n0 = c.connect(0);
    expect(await n0.call('INFO', 'cluster')).toContain('cluster_enabled:1');
    expect(await n0.call('HELLO', '3')).toMatchObject({ mode: 'cluster' });
    await expect(n0.call('SELECT', '1')).rejects.toThrow('ERR SELECT is not allowed in cluster mode');
    c.stop();
    const s = new RedSim({ seed: 1 }).connect();
    await expect(s.call('CLUSTER', 'KEYSLOT', 'x')).rejects.toThrow('ERR This instance has cluster support disabled');
  });

  it('propagates slot claims between node views (gossip outcome)', async () => {
    const c = new RedSimCluster({ seed: 3, cluster: { masters: 3 } });
    const [id0, id1] = c.state.nodes.map((n) => n.id);
    const n0 = c.connect(0), n1 = c.connect(1);
    expect(await n0.call('CLUSTER', 'DELSLOTS', '5')).toBe('OK');
    // Only node 0 forgot the owner (deletions are not gossiped)...
    expect(c.state.nodes[0].slots[5]).toBeNull();
    // ...and node 0 still claims nothing there, so node 1 keeps its view.
    expect(c.state.nodes[1].slots[5]?.id).toBe(id0);
    expect(await n1.call('CLUSTER', 'SETSLOT', '5', 'IMPORTING', id0)).toBe('OK');
    expect(await n1.call('CLUSTER', 'SETSLOT', '5', 'NODE', id1)).toBe('OK');
    // The importing node bumped its epoch; every view now has node 1 there.
    expect(c.state.nodes[1].configEpoch).toBe(4);
    for (const n of c.state.nodes) expect(n.slots[5]?.id).toBe(id1);
    c.stop();
  });
});
