/**
 * Beyond the lab: the Fabric 2.x gossip path the lab's "syncs missed blocks via gossip"
 * describes. peer0 of each org leads (pulls from the orderers), peer1 only gossips; a
 * peer1 that was down falls more than 20 blocks behind, so pushed blocks are dropped and
 * it catches up by anti-entropy state transfer (batches of 10, every 10 s).
 */
import { defineBuiltin } from './builtin.ts';

export const gossipStraggler = defineBuiltin({
  name: 'gossip-straggler',
  description: '2.x gossip path: a non-leader peer misses 25 blocks and catches up by anti-entropy state transfer',
  lab: false,
  minOrderers: 1,
  minOrderersWhy: 'any ordering service',
  topology: { peersPerOrg: 2, dissemination: 'gossip', gossip: { orgLeader: 'peer0', stateTransfer: true } },
  summary: (s) => 'A straggling non-leader peer on the 2.x gossip path catches up by state transfer.',
  steps: () => [
    { issue: { via: 'techpulse', certID: 'GS-1' }, expect: { ok: true } },
    { name: 'take the non-leader peer down', stop: 'peer1.techpulse' },
    { name: '25 certificates while it is down', load: { via: 'dataforge', count: 25, every: '1s' } },
    { sleep: '40s' },
    { channelInfo: { peer: 'peer0.techpulse' }, save: 'leader' },
    { name: 'bring it back', start: 'peer1.techpulse' },
    { name: 'it catches up by state transfer', waitFor: { caughtUp: 'peer1.techpulse', within: '3m' } },
    { name: 'same height as its org leader', channelInfo: { peer: 'peer1.techpulse' }, expect: { height: { gte: '$leader.height' } } },
    { verify: { via: 'techpulse', certID: 'GS-1' }, expect: { status: 'VALID' } },
  ],
});
