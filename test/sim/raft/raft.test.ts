import { describe, expect, it } from 'vitest';
import { DEFAULT_RAFT_OPTIONS, raftStatus, type RaftState } from '../../../src/sim/raft/index.ts';
import { ledgerDigests, raftCluster } from './helpers.ts';

describe('Raft orderer (etcdraft model)', () => {
  it('bootstrap: one node campaigns, one leader for one term, every node follows it (n=4)', () => {
    const c = raftCluster(4, 3);
    c.sim.run({ until: 3_000 });
    const leader = c.leader();
    expect(leader).toBeDefined();
    const leaderId = c.state(leader as string)?.id;
    for (const nm of c.names) {
      expect(c.state(nm)?.lead).toBe(leaderId);
      expect(c.state(nm)?.term).toBe(1);
    }
    expect(c.names.filter((nm) => c.state(nm)?.role === 'leader')).toHaveLength(1);
    expect(raftStatus(c.state(leader as string) as RaftState)).toEqual({ committedBlock: 0, lastBlock: 0, view: 1, leaderId, role: 'leader' });
  });

  it('replication: a request sent to a follower is forwarded, cut after BatchTimeout and decided everywhere (n=4)', () => {
    const c = raftCluster(4, 5);
    c.sim.run({ until: 3_000 });
    const follower = c.names.find((nm) => nm !== c.leader()) as string;
    c.submit(follower, 'tx1');
    c.submit(follower, 'tx2');
    c.sim.run({ until: 3_000 + DEFAULT_RAFT_OPTIONS.BatchTimeoutMs - 10 });
    expect(c.state(follower)?.ledger).toHaveLength(0);
    c.sim.run({ until: 8_000 });
    const want = ledgerDigests(c, c.names[0] as string);
    expect(want).toHaveLength(1);
    expect(c.state(c.names[0] as string)?.ledger[0]?.proposal.payload.map((r) => r.reqId)).toEqual(['tx1', 'tx2']);
    for (const nm of c.names) expect(ledgerDigests(c, nm)).toEqual(want);
  });

  it('majority quorum: with n=5, two crashed followers do not stop ordering, a third does', () => {
    const c = raftCluster(5, 11);
    c.sim.run({ until: 3_000 });
    const leader = c.leader() as string;
    const followers = c.names.filter((nm) => nm !== leader);
    c.sim.crash(followers[0] as string);
    c.sim.crash(followers[1] as string);
    c.submit(leader, 'a');
    c.sim.run({ until: 6_000 });
    expect(c.state(leader)?.ledger).toHaveLength(1);
    c.sim.crash(followers[2] as string);
    c.submit(leader, 'b');
    c.sim.run({ until: 9_000 });
    expect(c.state(leader)?.ledger).toHaveLength(1);
    expect(c.state(leader)?.log.length).toBeGreaterThan(c.state(leader)?.commit ?? 0);
  });

  it('leader crash: a follower times out after ElectionTick..2*ElectionTick-1 ticks, wins, and ordering resumes (n=4)', () => {
    const c = raftCluster(4, 21);
    c.sim.run({ until: 3_000 });
    const old = c.leader() as string;
    c.submit(old, 'before');
    c.sim.run({ until: 6_000 });
    c.sim.crash(old);
    const crashedAt = c.sim.now;
    c.sim.run({ stopWhen: () => c.leader() !== undefined, until: 60_000 });
    const elapsed = c.sim.now - crashedAt;
    const tick = DEFAULT_RAFT_OPTIONS.TickIntervalMs;
    expect(elapsed).toBeGreaterThanOrEqual((DEFAULT_RAFT_OPTIONS.ElectionTick - 1) * tick);
    expect(elapsed).toBeLessThan(2 * DEFAULT_RAFT_OPTIONS.ElectionTick * tick + 1_000);
    const next = c.leader() as string;
    expect(next).not.toBe(old);
    c.submit(next, 'after');
    c.sim.run({ until: c.sim.now + 5_000 });
    for (const nm of c.names.filter((x) => x !== old)) {
      expect(c.state(nm)?.ledger.map((d) => d.proposal.payload[0]?.reqId)).toEqual(['before', 'after']);
    }
  });

  it('restart: a crashed follower rebuilds from its durable log and catches up (n=3)', () => {
    const c = raftCluster(3, 8);
    c.sim.run({ until: 3_000 });
    const leader = c.leader() as string;
    const f = c.names.find((nm) => nm !== leader) as string;
    c.submit(leader, 'one');
    c.sim.run({ until: 6_000 });
    c.sim.crash(f);
    c.submit(leader, 'two');
    c.sim.run({ until: 9_000 });
    c.sim.restart(f);
    expect(c.state(f)?.ledger).toHaveLength(1);
    expect(c.state(f)?.term).toBe(c.state(leader)?.term);
    c.sim.run({ until: 12_000 });
    expect(ledgerDigests(c, f)).toEqual(ledgerDigests(c, leader));
    expect(ledgerDigests(c, f)).toHaveLength(2);
  });

  it('no Byzantine checks: followers write a block with a transaction the leader forged (corrupt-block, n=4)', () => {
    const c = raftCluster(4, 2);
    c.sim.run({ until: 3_000 });
    const leader = c.leader() as string;
    c.sim.command(leader, { type: 'byzantine', behaviour: 'corrupt-block' });
    c.submit(leader, 'grade', { grade: 'B' });
    c.sim.run({ until: 8_000 });
    for (const nm of c.names) {
      const keys = c.state(nm)?.ledger[0]?.proposal.payload.map((r) => `${r.clientId}:${r.reqId}`);
      expect(keys).toEqual(['byzantine:forged-1', 'client:grade']);
    }
    expect(new Set(c.names.map((nm) => ledgerDigests(c, nm)[0])).size).toBe(1);
  });

  it('no Byzantine checks: an equivocating leader forks the followers at one height (n=4)', () => {
    const c = raftCluster(4, 2);
    c.sim.run({ until: 3_000 });
    const leader = c.leader() as string;
    c.sim.command(leader, { type: 'byzantine', behaviour: 'equivocate' });
    c.submit(leader, 'x');
    c.submit(leader, 'y');
    c.sim.run({ until: 8_000 });
    const digests = new Set(c.names.map((nm) => ledgerDigests(c, nm)[0]));
    expect(c.names.every((nm) => c.state(nm)?.ledger.length === 1)).toBe(true);
    expect(digests.size).toBe(2);
  });

  it('unknown byzantine behaviour is a clear error', () => {
    const c = raftCluster(3, 1);
    expect(() => c.sim.command(c.names[0] as string, { type: 'byzantine', behaviour: 'silent' })).toThrow(/unknown byzantine behaviour "silent" \(known: corrupt-block, equivocate/);
  });

  it('determinism: same seed, same trace hash; another seed, another run (n=5)', () => {
    const run = (seed: number): string => {
      const c = raftCluster(5, seed);
      c.sim.run({ until: 3_000 });
      const l = c.leader() as string;
      c.sim.crash(l);
      c.sim.run({ until: 20_000 });
      return c.sim.trace.hash();
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });

  it('a single node orders alone (n=1)', () => {
    const c = raftCluster(1, 1);
    c.sim.run({ until: 2_000 });
    expect(c.leader()).toBe(c.names[0]);
    c.submit(c.names[0] as string, 'solo');
    c.sim.run({ until: 5_000 });
    expect(c.state(c.names[0] as string)?.ledger).toHaveLength(1);
  });
});
