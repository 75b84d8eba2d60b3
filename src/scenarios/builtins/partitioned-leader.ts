/**
 * Beyond the lab: the leader is cut off from everyone. The others change view and keep
 * ordering; after the partition heals, the old leader learns the new view and catches up.
 */
import { defineBuiltin } from './builtin.ts';

export const partitionedLeader = defineBuiltin({
  name: 'partitioned-leader',
  description: 'Partition the leader away: the rest change view and keep ordering; after heal the old leader follows and catches up',
  lab: false,
  minOrderers: 3,
  minOrderersWhy: 'the orderers outside the partition must form a quorum',
  summary: (s) => `Leader partitioned away on ${s.n} orderers (quorum ${s.quorum.q}).`,
  steps: () => [
    { issue: { via: 'techpulse', certID: 'PL-1' }, expect: { ok: true } },
    { name: 'the leader of view 0', ordererStatus: { orderer: 'leader' }, save: 'before', expect: { view: 0 } },
    { name: 'cut the leader off from every other node', partition: [['$before.leader']] },
    { name: 'issue while the leader is unreachable', issue: { via: 'dataforge', certID: 'PL-2' }, expect: { ok: true } },
    { name: 'a new leader in a later view', ordererStatus: { orderer: 'leader' }, save: 'after', expect: { role: 'leader', view: { gte: 1 } } },
    { heal: true },
    { issue: { via: 'org3', certID: 'PL-3' }, expect: { ok: true } },
    { name: 'the old leader catches up', waitFor: { caughtUp: '$before.leader', within: '2m' } },
    { name: 'let it learn the view', sleep: '20s' },
    {
      name: 'the old leader follows the new one',
      ordererStatus: { orderer: '$before.leader' },
      expect: { role: 'follower', view: { gte: '$after.view' } },
    },
    { verify: { via: 'techpulse', certID: 'PL-2' }, expect: { status: 'VALID' } },
    { verify: { via: 'techpulse', certID: 'PL-3' }, expect: { status: 'VALID' } },
  ],
});
