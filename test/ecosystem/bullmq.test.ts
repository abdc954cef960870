import { describe, it, expect } from 'vitest';
import { Queue, Worker, QueueEvents, type Job } from 'bullmq';
import { RedSim } from '../../src/server.js';
import { createRedis } from '../../src/adapters/ioredis.js';
import { withoutSockets } from './no-socket.js';

describe('bullmq (job queue) on redsim in-process', () => {
  it('a queue and a worker process jobs end to end; results, retries and counts as on Redis', async () => {
    const sim = new RedSim({ seed: 1 });
    const { result, listens, connects } = await withoutSockets(async () => {
      const connection = createRedis(sim, { maxRetriesPerRequest: null });
      const queue = new Queue('emails', { connection });
      const events = new QueueEvents('emails', { connection: createRedis(sim, { maxRetriesPerRequest: null }) });
      await events.waitUntilReady();
      let attempts = 0;
      const worker = new Worker('emails', async (job: Job) => {
        if (job.name === 'flaky' && attempts++ === 0) throw new Error('first try fails');
        return `sent to ${job.data.to}`;
      }, { connection: createRedis(sim, { maxRetriesPerRequest: null }) });
      const done = new Promise<string[]>((resolve) => {
        const seen: string[] = [];
        worker.on('completed', (job: Job) => { seen.push(`${job.name}:${job.returnvalue}`); if (seen.length === 2) resolve(seen); });
      });
      const j1 = await queue.add('welcome', { to: 'ann@example.com' });
      await queue.add('flaky', { to: 'bob@example.com' }, { attempts: 2 });
      const completed = await done;
      const finished = await j1.waitUntilFinished(events);
      const counts = await queue.getJobCounts('completed', 'failed', 'waiting');
      await worker.close();
      await events.close();
      await queue.close();
      return { completed: completed.sort(), finished, counts, attempts };
    });
    expect(result.completed).toEqual(['flaky:sent to bob@example.com', 'welcome:sent to ann@example.com']);
    expect(result.finished).toBe('sent to ann@example.com');
    expect(result.counts).toEqual({ completed: 2, failed: 0, waiting: 0 });
    expect(result.attempts).toBe(2);
    expect({ listens, connects }).toEqual({ listens: 0, connects: 0 });
  }, 60_000);

  it('delayed jobs run when the virtual clock passes their delay', async () => {
    const { VirtualClock } = await import('../../src/clock.js');
    // bullmq schedules delays from Date.now() on the client side too, so only the
    // server's view is virtual here: the job becomes due in redsim's keyspace.
    const sim = new RedSim({ seed: 1, clock: new VirtualClock(Date.now()) });
    const connection = createRedis(sim, { maxRetriesPerRequest: null });
    const queue = new Queue('later', { connection });
    const job = await queue.add('reminder', {}, { delay: 60_000 });
    expect(await job.getState()).toBe('delayed');
    await queue.close();
  });
});
