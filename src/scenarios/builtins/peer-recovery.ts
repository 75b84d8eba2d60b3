/**
 * The lab's second demo, "Peer Recovery": with TechPulse's peer down the network keeps
 * working through the other orgs; the restored peer commits the missed blocks, its height
 * grows, and the certificate issued meanwhile verifies VALID through TechPulse.
 */
import { defineBuiltin } from './builtin.ts';

export const peerRecovery = defineBuiltin({
  name: 'peer-recovery',
  description: 'Lab demo: stop the TechPulse peer, issue through DataForge, the peer syncs the missed blocks and verifies the certificate',
  lab: true,
  minOrderers: 1,
  minOrderersWhy: 'any ordering service',
  summary: (s) => `The lab's "Peer Recovery" demo on ${s.n} orderers.`,
  steps: () => [
    { name: 'Step 1: record the TechPulse block height', channelInfo: { peer: 'peer0.techpulse' }, save: 'before' },
    { name: 'Step 1: pause Argo CD auto-sync', pauseAutoHeal: true },
    { name: 'Step 1: take the TechPulse peer down', stop: 'peer0.techpulse' },
    {
      name: 'Step 2: issue through DataForge while TechPulse is down',
      issue: {
        via: 'dataforge',
        certID: 'PEER-RECOVERY-1',
        studentID: 'student01@dataforge.demo',
        studentName: 'Peer Recovery Test',
        courseID: 'DF-101',
        courseName: 'DataForge Testing',
      },
      expect: { ok: true },
    },
    { name: 'Step 3: bring the TechPulse peer back', start: 'peer0.techpulse' },
    {
      name: 'Step 3: the peer commits the missed block(s)',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Committed block \\[\\d+\\] with \\d+ transaction\\(s\\)' }, within: '60s' },
    },
    {
      name: 'Step 3: it rejoined the gossip network',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Joining gossip network of channel certchannel with \\d+ organizations' }, within: '5s' },
    },
    {
      name: 'Step 3: it received the missed block',
      waitFor: { log: { node: 'peer0.techpulse', match: 'Received block \\[\\d+\\] from buffer' }, within: '5s' },
    },
    { name: "Step 3: it reaches the orderers' height", waitFor: { caughtUp: 'peer0.techpulse', within: '60s' } },
    { name: 'Step 3: the height grew', channelInfo: { peer: 'peer0.techpulse' }, expect: { height: { gt: '$before.height' } } },
    { name: 'Step 4: the certificate is VALID through TechPulse', verify: { via: 'techpulse', certID: 'PEER-RECOVERY-1' }, expect: { status: 'VALID' } },
    { name: 'Step 4: re-enable Argo CD', resumeAutoHeal: true },
  ],
});
