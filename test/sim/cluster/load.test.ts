/**
 * A background `load` in the model runs as the real targets run it (src/local/cluster.ts
 * startLoad, src/live/io.ts ExecutingIo.background: issue, await the answer, pause), the lab's
 * `curl POST; sleep` loop. Measured on Fabric 3.1.5 (rolling-restart, `--target local`): each
 * view change's stall held one request and every block after it had 1 transaction; the model
 * that issued on a fixed clock piled 4-5 requests into the first block after each view change
 * (heights 10/14/17/20 at the catch-ups against the real 9/11/13/15, 74 blocks against 87).
 */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';

/** When the techpulse gateway got each issue command and answered it, by request id. */
function gatewayTimes(c: SimCluster): { issued: Map<string, number>; answered: Map<string, number> } {
  const issued = new Map<string, number>();
  const answered = new Map<string, number>();
  c.sim.observe(
    (r: TraceRecord) => {
      if (r.k === 'command' && r.node === 'gateway.techpulse' && r.c.startsWith('issue ')) issued.set(r.c.slice('issue '.length), r.t);
      if (r.k === 'event' && r.node === 'gateway.techpulse') {
        const e = (r as { e?: { requestId?: string; httpStatus?: number } }).e;
        if (e?.requestId !== undefined && e.httpStatus !== undefined) answered.set(e.requestId, r.t);
      }
    },
    ['command', 'event'],
  );
  return { issued, answered };
}

describe('load: the next certificate `every` after the answer to the one before', () => {
  it('on a healthy network each issue starts exactly `every` after the previous answer', async () => {
    const c = await SimCluster.create({ seed: 3 });
    const { issued, answered } = gatewayTimes(c);
    const started = await c.startLoad('techpulse', 3, 1_000);
    await c.sleep(10_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ count: 3, issued: 3, committed: 3, failed: 0, pending: 0 });
    const ids = [...issued.keys()];
    expect(ids).toHaveLength(3);
    for (let i = 1; i < ids.length; i++) {
      const prevAnswer = answered.get(ids[i - 1] as string) as number;
      expect(prevAnswer).toBeGreaterThan(issued.get(ids[i - 1] as string) as number);
      expect(issued.get(ids[i] as string)).toBe(prevAnswer + 1_000);
    }
  });

  it('while ordering stalls (the leader down until the view change) one request waits, not one per interval', async () => {
    const c = await SimCluster.create({ seed: 1, smartbft: { LeaderHeartbeatTimeout: 10_000, RequestComplainTimeout: 8_000 }, keep: { logs: true } });
    await c.stop('orderer.techpulse');
    const started = await c.startLoad('dataforge', 5, 1_000);
    await c.sleep(5_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ issued: 1, committed: 0, pending: 1 });
    await c.sleep(30_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ issued: 5, committed: 5, failed: 0, pending: 0 });
    // One transaction a block: nothing piled up behind the stall.
    const txs = (await c.logs('peer0.dataforge')).flatMap((l) => /Committed block \[\d+\] with (\d+) transaction/.exec(l.text)?.[1] ?? []).map(Number);
    expect(txs.slice(-5)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a request with no answer within the operation timeout counts as failed, and the next one goes', async () => {
    // The leader down and Fabric's default timeouts: no commit (nor the gateway's own commit timeout) within 5 s.
    const c = await SimCluster.create({ seed: 1, opTimeoutMs: 5_000 });
    await c.stop('orderer.techpulse');
    const started = await c.startLoad('dataforge', 2, 1_000);
    await c.sleep(5_500);
    expect(await c.loadTally(started.load as number)).toMatchObject({ issued: 1, failed: 1, pending: 0, errors: { 'no answer from the dataforge API within 5000 ms': 1 } });
    await c.sleep(1_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ issued: 2, failed: 1, pending: 1 });
  });
});

describe('startClockLoad: the benches\' open loop, one certificate every `everyMs` whatever the answers', () => {
  it('issues on the clock, before the earlier ones are answered, and tallies them all', async () => {
    const c = await SimCluster.create({ seed: 3 });
    const { issued, answered } = gatewayTimes(c);
    const started = c.startClockLoad('techpulse', 5, 10);
    expect(started).toEqual({ ok: true, load: 0 });
    await c.sleep(5_000);
    const times = [...issued.values()].sort((a, b) => a - b);
    expect(times).toHaveLength(5);
    // 10 ms apart on the clock: the fifth goes 40 ms after the first, before the first is answered.
    expect(times.map((t) => t - times[0]!)).toEqual([0, 10, 20, 30, 40]);
    expect(Math.min(...answered.values())).toBeGreaterThan(times[4]!);
    expect(await c.loadTally(0)).toMatchObject({ count: 5, issued: 5, committed: 5, failed: 0 });
    expect(c.startClockLoad('techpulse', 0, 10)).toEqual({ ok: false, error: 'load count must be an integer >= 1, got 0' });
  });

  it('keeps one request on the clock, not the whole load (issue #19: the scheduler does not grow with the count)', async () => {
    const c = await SimCluster.create({ seed: 1 });
    const before = c.sim.pendingEvents;
    const started = c.startClockLoad('techpulse', 10_000, 300);
    expect(c.sim.pendingEvents - before).toBe(1);
    // 20 s in: 67 issued, the 68th the one waiting on the clock.
    await c.sleep(20_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ count: 10_000, issued: 67 });
    expect(c.sim.pendingEvents).toBeLessThan(before + 100);
  });
});
