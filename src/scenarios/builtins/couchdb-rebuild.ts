/**
 * The lab's third demo, "CouchDB State Rebuild": drop the state database, mark it for
 * rebuild with `peer node rebuild-dbs`, restart: the peer replays every block and
 * `doc_count` equals the count before, and `TP-FSWD-001` is still VALID.
 */
import { defineBuiltin } from './builtin.ts';

export const couchdbRebuild = defineBuiltin({
  name: 'couchdb-rebuild',
  description: 'Lab demo: drop the TechPulse state database, rebuild-dbs, restart: doc_count matches and TP-FSWD-001 is VALID',
  lab: true,
  minOrderers: 1,
  minOrderersWhy: 'any ordering service',
  summary: (s) => `The lab's "CouchDB State Rebuild" demo on ${s.n} orderers.`,
  steps: () => [
    { name: 'Step 1: record doc_count', docCount: { peer: 'peer0.techpulse' }, save: 'before', expect: { gt: 0 } },
    { name: 'Step 1: verify a known certificate', verify: { via: 'techpulse', certID: 'TP-FSWD-001' }, expect: { status: 'VALID' } },
    { name: 'Step 2: pause Argo CD auto-sync', pauseAutoHeal: true },
    { name: 'Step 2: scale down the peer', stop: 'peer0.techpulse' },
    { name: 'Step 3: delete the certcontract state database', dropStateDatabase: { peer: 'peer0.techpulse' }, expect: { ok: true } },
    { name: 'Step 4: peer node rebuild-dbs', rebuildDbs: { peer: 'peer0.techpulse' }, expect: { ok: true } },
    { name: 'Step 5: start the peer', start: 'peer0.techpulse' },
    { name: 'Step 5: let it rebuild', sleep: '10s' },
    {
      name: 'Step 5: block index rebuilt from the ledger files',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Finished building index\\. Last block indexed \\[\\d+\\]' }, within: '60s' },
    },
    {
      name: 'Step 5: CouchDB database recreated',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Created state database certchannel_certcontract' }, within: '60s' },
    },
    {
      name: 'Step 5: system state database recreated',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Created state database certchannel_(\\s|$)' }, within: '60s' },
    },
    { name: 'Step 5: the peer is back online', waitFor: { log: { node: 'peer0.techpulse', match: 'Opened ledger with id = certchannel' }, within: '60s' } },
    { name: 'Step 5: the replay reaches the ledger height', waitFor: { caughtUp: 'peer0.techpulse', within: '60s' } },
    { name: 'Step 6: doc_count matches the BEFORE value', docCount: { peer: 'peer0.techpulse' }, expect: '$before' },
    { name: 'Step 6: the same certificate is VALID', verify: { via: 'techpulse', certID: 'TP-FSWD-001' }, expect: { status: 'VALID' } },
    { name: 'Step 6: re-enable Argo CD', resumeAutoHeal: true },
  ],
});
