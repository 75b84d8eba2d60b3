/**
 * Beyond the lab: the leader equivocates (sends different proposals for one sequence to
 * different followers). By default on 7 orderers, where neither half of the followers
 * plus the leader is a quorum: the view stalls and the followers replace the leader by a
 * view change. With `--orderers 4` the leader and the first half are already a quorum, so
 * one proposal commits in view 0. Either way the requests commit, every orderer ends with
 * the same blocks and no two orderers decide different blocks (the agreement check).
 */
import type { Step } from '../schema.ts';
import { defineBuiltin, type Shape } from './builtin.ts';

/**
 * The model's equivocating leader shows one proposal to the first ceil((n-1)/2) followers
 * and another to the rest, and votes for both: the view stalls iff leader + first half < Q.
 */
function split(s: Shape): { firstHalf: number; stalls: boolean } {
  const firstHalf = Math.ceil((s.n - 1) / 2);
  return { firstHalf, stalls: 1 + firstHalf < s.quorum.q };
}

export const byzantineLeader = defineBuiltin({
  name: 'byzantine-leader',
  description: 'The leader equivocates on 7 orderers (default): no half is a quorum, a view change replaces it, requests commit, no fork',
  lab: false,
  minOrderers: 4,
  minOrderersWhy: 'tolerating one Byzantine orderer needs f >= 1',
  defaultOrderers: 7,
  summary: (s) => `Equivocating leader on ${s.n} orderers (f=${s.quorum.f}, quorum ${s.quorum.q}): ${split(s).stalls ? 'replaced' : 'outvoted'}, no fork.`,
  steps: (s) => {
    const { q } = s.quorum;
    const { firstHalf, stalls } = split(s);
    return [
      { issue: { via: 'techpulse', certID: 'BZ-1' }, expect: { ok: true } },
      { name: 'the leader of view 0', ordererStatus: { orderer: 'leader' }, save: 'before', expect: { view: 0 } },
      { name: 'the leader turns Byzantine (equivocates)', byzantine: { node: '$before.leader', behaviour: 'equivocate' } },
      { name: 'issue under a Byzantine leader', issue: { via: 'dataforge', certID: 'BZ-2' }, expect: { ok: true } },
      stalls
        ? { name: `neither proposal reaches quorum ${q}: the followers moved to a later view`, ordererStatus: { orderer: 'leader' }, expect: { role: 'leader', view: { gte: 1 } } }
        : {
            name: `the leader and ${firstHalf} followers are a quorum (${q}): one proposal commits in view 0`,
            ordererStatus: { orderer: 'leader' },
            expect: { view: 0 },
          },
      ...s.orderers.map((o): Step => ({ name: `${o} has every block`, waitFor: { caughtUp: o, within: '2m' } })),
      { name: 'the old leader behaves again', honest: '$before.leader' },
      { issue: { via: 'org3', certID: 'BZ-3' }, expect: { ok: true } },
      { verify: { via: 'techpulse', certID: 'BZ-1' }, expect: { status: 'VALID' } },
      { verify: { via: 'techpulse', certID: 'BZ-2' }, expect: { status: 'VALID' } },
      { verify: { via: 'techpulse', certID: 'BZ-3' }, expect: { status: 'VALID' } },
    ];
  },
});
