/**
 * Beyond the lab: the leader equivocates (sends different proposals for one sequence to
 * different followers). Whether a proposal still gathers a quorum depends on n (see
 * below); either way the request commits, every orderer ends with the same blocks and no
 * two orderers decide different blocks (the agreement check); when no proposal can
 * gather a quorum the followers replace the leader by a view change.
 */
import type { Step } from '../schema.ts';
import type { BuiltinScenario } from './builtin.ts';
import { requireOrderers, shape } from './builtin.ts';

export const byzantineLeader: BuiltinScenario = {
  name: 'byzantine-leader',
  description: 'The leader equivocates: requests still commit (a view change replaces it when no half is a quorum), no fork',
  lab: false,
  minOrderers: 4,
  minOrderersWhy: 'tolerating one Byzantine orderer needs f >= 1',
  build(params) {
    const s = shape({}, params);
    requireOrderers(this, s.n);
    const { n, q } = s.quorum;
    // The model's equivocating leader shows one proposal to the first ceil((n-1)/2)
    // followers and another to the rest, and votes for both. With n = 4 the leader and the
    // first half are already a quorum, so one proposal commits and no view change is
    // needed; from n = 7 neither half reaches a quorum, the view stalls and is replaced.
    const firstHalf = Math.ceil((n - 1) / 2);
    const stalls = 1 + firstHalf < q;
    return {
      name: 'byzantine-leader',
      description: `Equivocating leader on ${n} orderers (f=${s.quorum.f}, quorum ${q}): ${stalls ? 'replaced' : 'outvoted'}, no fork.`,
      topology: s.topology,
      seed: 1,
      steps: [
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
      ],
    };
  },
};
