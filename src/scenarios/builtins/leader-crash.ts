/**
 * Beyond the lab: the leader crashes. The followers complain, change view, the next
 * consenter leads, and the request submitted while the leader was down is not lost.
 */
import { defineBuiltin } from './builtin.ts';

export const leaderCrash = defineBuiltin({
  name: 'leader-crash',
  description: 'Crash the leader: view change to the next consenter, the request sent meanwhile commits, the old leader rejoins as a follower',
  lab: false,
  minOrderers: 3,
  minOrderersWhy: 'the orderers left after the crash must form a quorum',
  summary: (s) => `Leader crash on ${s.n} orderers (f=${s.quorum.f}, quorum ${s.quorum.q}): view change, no lost request.`,
  steps: (s) => [
    { issue: { via: 'techpulse', certID: 'LC-1' }, expect: { ok: true } },
    { name: 'the leader of view 0', ordererStatus: { orderer: 'leader' }, save: 'before', expect: { role: 'leader', view: 0, leader: s.orderers[0] } },
    { name: 'crash the leader', stop: '$before.leader' },
    { name: 'issue while the leader is down (followers change view)', issue: { via: 'dataforge', certID: 'LC-2' }, expect: { ok: true } },
    { name: 'a new leader in a later view', ordererStatus: { orderer: 'leader' }, save: 'after', expect: { role: 'leader', view: { gte: 1 } } },
    { name: 'no lost request: LC-1', verify: { via: 'org3', certID: 'LC-1' }, expect: { status: 'VALID' } },
    { name: 'no lost request: LC-2', verify: { via: 'org3', certID: 'LC-2' }, expect: { status: 'VALID' } },
    { name: 'restart the old leader', start: '$before.leader' },
    { name: 'the old leader catches up', waitFor: { caughtUp: '$before.leader', within: '2m' } },
    { name: 'let it learn the view', sleep: '20s' },
    {
      name: 'the old leader follows the new one',
      ordererStatus: { orderer: '$before.leader' },
      expect: { role: 'follower', view: '$after.view', leader: '$after.leader' },
    },
    { name: 'issuance works with every orderer back', issue: { via: 'techpulse', certID: 'LC-3' }, expect: { ok: true } },
  ],
});
