/**
 * Beyond the lab: with two orgs, `MAJORITY Endorsement` needs both. A second peer per org
 * keeps issuance working when one peer is down; with neither DataForge peer up the
 * gateway cannot meet the policy and says so.
 */
import { defineBuiltin } from './builtin.ts';

export const endorsementAvailability = defineBuiltin({
  name: 'endorsement-availability',
  description: 'Two orgs, MAJORITY policy, 2 peers per org: one DataForge peer down is fine, both down blocks issuance',
  lab: false,
  minOrderers: 1,
  minOrderersWhy: 'any ordering service',
  topology: { orgs: ['techpulse', 'dataforge'], peersPerOrg: 2 },
  summary: (s) => 'MAJORITY Endorsement of 2 orgs needs both; a second peer per org is what keeps an org endorsing.',
  steps: () => [
    { name: 'both orgs endorse', issue: { via: 'techpulse', certID: 'EA-1' }, expect: { ok: true } },
    { stop: 'peer0.dataforge' },
    { name: 'peer1.dataforge still endorses for DataForge', issue: { via: 'techpulse', certID: 'EA-2' }, expect: { ok: true } },
    { stop: 'peer1.dataforge' },
    {
      name: 'no DataForge peer: the policy cannot be met',
      issue: { via: 'techpulse', certID: 'EA-3' },
      expect: { ok: false, error: { matches: '[Ee]ndorse' } },
    },
    { start: 'peer0.dataforge' },
    { start: 'peer1.dataforge' },
    { waitFor: { caughtUp: 'peer0.dataforge', within: '1m' } },
    { waitFor: { caughtUp: 'peer1.dataforge', within: '1m' } },
    { name: 'issuance works again', issue: { via: 'techpulse', certID: 'EA-4' }, expect: { ok: true } },
    { verify: { via: 'dataforge', certID: 'EA-2' }, expect: { status: 'VALID' } },
    { verify: { via: 'dataforge', certID: 'EA-3' }, expect: { status: 'NOT_FOUND' } },
  ],
});
