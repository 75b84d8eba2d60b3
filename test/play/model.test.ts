import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, PlayError, PlayModel, type LoggedAction } from '../../src/play/model.ts';

/** A leader crash: one block decided, then orderer1 (leader of view 0) crashed, then 70 s of simulated time. */
function leaderCrash(): PlayModel {
  const m = new PlayModel(1, 4);
  m.runUntil(500);
  m.act({ op: 'submit', node: 0 });
  m.runUntil(1500);
  m.act({ op: 'crash', node: 1 });
  m.runUntil(72_000);
  return m;
}

describe('PlayModel: a bare SmartBFT network driven by the playground', () => {
  it('decides a submitted request with a quorum certificate of Q = 3 signers out of 4', () => {
    const m = new PlayModel(1, 4);
    m.act({ op: 'submit', node: 0 });
    m.runUntil(1000);
    const s = m.snapshot();
    expect(s.q).toBe(3);
    expect(s.decisions.map((d) => d.seq)).toEqual([1]);
    expect(s.decisions[0]?.signers.length).toBe(3);
    expect(s.nodes.map((n) => n.height)).toEqual([1, 1, 1, 1]);
  });

  it('crashing the leader leads, after the heartbeat timeout, to view 1 with orderer2 as leader', () => {
    const s = leaderCrash().snapshot();
    expect(s.nodes[0]?.up).toBe(false);
    for (const n of s.nodes.slice(1)) {
      expect(n.view).toBe(1);
      expect(n.leader).toBe(2);
    }
    expect(s.nodes[1]?.role).toBe('leader');
  });

  it('a pending view change shows when it times out; a follower, when it stops waiting for the leader', () => {
    const m = new PlayModel(1, 4);
    const hb = m.snapshot().nodes[1]?.heartbeatTimeoutAt;
    expect(hb).toBe(60_000);
    m.act({ op: 'crash', node: 1 });
    m.act({ op: 'crash', node: 2 });
    m.runUntil(61_500);
    // 2 of 4 up: below Q, the view change to view 1 cannot complete
    const n3 = m.snapshot().nodes[2];
    expect(n3?.inViewChange).toBe(true);
    expect(n3?.viewChangeTimeoutAt).toBeGreaterThanOrEqual(60_000 + 20_000); // each node's 1 s ticker has its own phase
    expect(n3?.viewChangeTimeoutAt).toBeLessThan(60_000 + 20_000 + 1_000); // complained at the 60 s tick
  });

  it('replaying seed, n and the action log reaches the same state, event for event', () => {
    const m = leaderCrash();
    const again = PlayModel.replay(1, 4, m.actions(), m.events);
    again.runUntil(m.now);
    expect(again.snapshot()).toEqual(m.snapshot());
  });

  it('a step back is a replay to one event earlier: stepping forward again gives the same state', () => {
    const m = leaderCrash();
    m.runEvents(1);
    const before = m.snapshot();
    m.runEvents(1);
    const back = PlayModel.replay(1, 4, m.allActions(), m.events - 1);
    expect(back.snapshot()).toEqual(before);
  });

  it('a step back before an action keeps it ahead, and stepping forward applies it at its moment', () => {
    const m = new PlayModel(3, 4);
    m.runEvents(10);
    m.act({ op: 'crash', node: 2 });
    m.runEvents(10);
    const end = m.snapshot();
    const back = PlayModel.replay(3, 4, m.allActions(), 5);
    expect(back.actions()).toEqual([]);
    back.runEvents(15);
    expect(back.snapshot()).toEqual(end);
  });

  it('an action after a step back starts a new branch: the actions ahead are dropped', () => {
    const m = new PlayModel(3, 4);
    m.runEvents(10);
    m.act({ op: 'crash', node: 2 });
    const back = PlayModel.replay(3, 4, m.allActions(), 5);
    back.act({ op: 'submit', node: 0 });
    expect(back.allActions().map((a) => a.op)).toEqual(['submit']);
  });

  it('a Byzantine leader that equivocates sends two different proposals for one sequence', () => {
    const m = new PlayModel(1, 4);
    m.act({ op: 'byzantine', node: 1, behaviour: 'equivocate' });
    m.act({ op: 'submit', node: 0 });
    m.act({ op: 'submit', node: 0 });
    const digests = new Set<string>();
    for (let i = 0; i < 200; i++) {
      m.runEvents(1);
      for (const f of m.snapshot().flights) if (f.type === 'PrePrepare' && f.digest !== null) digests.add(f.digest);
    }
    expect(digests.size).toBe(2);
  });

  it('refuses what cannot be done with a clear message', () => {
    const m = new PlayModel(1, 4);
    expect(() => m.act({ op: 'restart', node: 1 })).toThrow('orderer1 is already up');
    expect(() => m.act({ op: 'crash', node: 5 })).toThrow('no orderer 5 (there are 4)');
    expect(() => m.act({ op: 'byzantine', node: 1, behaviour: 'evil' })).toThrow(/unknown Byzantine behaviour "evil"; one of silent, equivocate/);
    expect(() => new PlayModel(1, 17)).toThrow('n must be an integer from 1 to 16, got 17');
  });
});

describe('the play link: seed, n, event and actions in the address', () => {
  it('round-trips, times to the last bit', () => {
    const actions: LoggedAction[] = [
      { at: 5, t: 1000.123456789, op: 'submit', node: 0 },
      { at: 42, t: 2000, op: 'byzantine', node: 3, behaviour: 'equivocate' },
      { at: 42, t: 2000, op: 'crash', node: 1 },
    ];
    const text = encodeLink({ seed: 9, n: 7, events: 120, actions });
    expect(text).toBe('seed=9&n=7&k=120&a=5_1000.123456789_submit_0~42_2000_byzantine_3_equivocate~42_2000_crash_1');
    expect(decodeLink(`#${text}`, { seed: 1, n: 4 })).toEqual({ seed: 9, n: 7, events: 120, actions });
  });

  it('defaults to the given seed and n, and names what is wrong in a bad link', () => {
    expect(decodeLink('', { seed: 1, n: 4 })).toEqual({ seed: 1, n: 4, events: 0, actions: [] });
    expect(() => decodeLink('#n=four', { seed: 1, n: 4 })).toThrow('link: n must be a whole number, got "four"');
    expect(() => decodeLink('#a=1_2_crash', { seed: 1, n: 4 })).toThrow('link: action "1_2_crash" is not at_t_op_node[_behaviour]');
    expect(() => decodeLink('#a=1_2_explode_1', { seed: 1, n: 4 })).toThrow('unknown action "explode"');
    expect(() => decodeLink('#k=99999999999', { seed: 1, n: 4 })).toThrow('link: k = 99999999999 events is more than a link replays (1000000, some 60 simulated hours of an idle network)');
    expect(() => PlayModel.replay(1, 4, [{ at: 9, t: 5, op: 'crash', node: 1 }, { at: 3, t: 9, op: 'restart', node: 1 }], 20)).toThrow(PlayError);
  });
});
