/**
 * ViewSequences.ProposalSeq (util.go NewProposer, view.go decide and run): the sequence a
 * view started at, then the one it is deciding, stored BEFORE the view moves on. Go reads it
 * in three places, and the model followed `view.seq` (the next sequence) in all three:
 * - leaderTick (heartbeatmonitor.go): the HeartBeat's sequence;
 * - handleHeartBeat (heartbeatmonitor.go): a follower is behind only when its own
 *   ProposalSeq + 1 equals the heartbeat's;
 * - respondToStateTransferRequest (controller.go): the StateTransferResponse's sequence.
 * The second is why a restarted orderer stays a block behind on an idle Fabric 3.1.5 network
 * (docs/local.md); the third left a check schedule (check --seed 6) with no f+1 matching
 * state answers, so the network never converged on a view.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import { BftCluster } from './harness.ts';

type Send = Extract<TraceRecord, { k: 'send' }>;
const isSend = (r: TraceRecord): r is Send => r.k === 'send';

describe('ViewSequences.ProposalSeq', () => {
  it('leaderTick: an idle leader that decided sequence 2 heartbeats sequence 2, not 3', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000)).toBe(true);
    expect(c.state(1)!.viewSeq).toEqual({ seq: 2, active: true });
    const from = c.sim.now;
    c.run(10_000);
    const hb = c.records.filter(isSend).filter((r) => r.from === 'orderer1' && r.t > from && r.m.startsWith('HeartBeat'));
    expect(hb.length).toBeGreaterThan(0);
    for (const r of hb) expect(r.m).toBe('HeartBeat v0 s2');
  });

  it('respondToStateTransferRequest: a node answers the sequence it last decided', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.crash('orderer4');
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000, [1, 2, 3])).toBe(true);
    c.sim.restart('orderer4');
    // The next decision makes the restarted node look behind: it syncs, then fetches state.
    c.submit('c', 1);
    expect(c.runUntilHeight(3, 5_000, [1, 2, 3])).toBe(true);
    const from = c.sim.now;
    c.run(30_000);
    const answers = c.records.filter(isSend).filter((r) => r.to === 'orderer4' && r.t >= from && r.m.startsWith('StateTransferResponse'));
    expect(answers.length).toBeGreaterThan(0);
    for (const r of answers) expect(r.m).toBe('StateTransferResponse v0 s3');
  });

  it('a view change: the new view\'s ProposalSeq is the sequence it starts at', () => {
    const c = new BftCluster({ n: 4 });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.crash('orderer1');
    // Heartbeat timeout (60 s) and view change: the old view stops, the new one starts at sequence 2.
    c.run(150_000);
    const s = c.state(2)!;
    expect(s.view.number).toBeGreaterThan(0);
    expect(s.viewSeq).toEqual({ seq: 2, active: true });
  });
});
