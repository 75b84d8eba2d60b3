/** Topology as data: the default certchain network, larger ones, and clear errors. */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../../src/sim/fabric/topology.ts';

describe('topology', () => {
  it('certchain default: 3 orgs with peer0 + couchdb + orderer each, plus orderer.ordering; consenter ids in DESIGN order', () => {
    const t = buildTopology();
    expect(t.orderers.map((o) => [o.id, o.consenterId])).toEqual([
      ['orderer.techpulse', 1],
      ['orderer.dataforge', 2],
      ['orderer.org3', 3],
      ['orderer.ordering', 4],
    ]);
    expect(t.peers.map((p) => [p.id, p.couchdb])).toEqual([
      ['peer0.techpulse', 'couchdb.techpulse'],
      ['peer0.dataforge', 'couchdb.dataforge'],
      ['peer0.org3', 'couchdb.org3'],
    ]);
    expect(t.policyText).toBe('MAJORITY Endorsement');
    expect(t.dissemination).toBe('deliver');
  });

  it('7 orderers and 2 peers per org', () => {
    const t = buildTopology({ orderers: 7, peersPerOrg: 2 });
    expect(t.orderers.map((o) => o.id).slice(3)).toEqual(['orderer.ordering', 'orderer5.ordering', 'orderer6.ordering', 'orderer7.ordering']);
    expect(t.peers.filter((p) => p.org === 'org3').map((p) => [p.id, p.couchdb])).toEqual([
      ['peer0.org3', 'couchdb.org3'],
      ['peer1.org3', 'couchdb1.org3'],
    ]);
    expect(buildTopology({ orderers: 1 }).orderers.map((o) => o.id)).toEqual(['orderer.techpulse']);
  });

  it('bad options get one clear error each', () => {
    expect(() => buildTopology({ orderers: 0 })).toThrow('topology: orderers must be an integer >= 1, got 0');
    expect(() => buildTopology({ peersPerOrg: 1.5 })).toThrow('topology: peersPerOrg must be an integer >= 1, got 1.5');
    expect(() => buildTopology({ orgs: ['Tech'] })).toThrow('topology: org name "Tech" must match [a-z][a-z0-9-]*');
    expect(() => buildTopology({ orgs: ['a', 'a'] })).toThrow('topology: org "a" is listed twice');
    expect(() => buildTopology({ dissemination: 'carrier-pigeon' as 'gossip' })).toThrow(/dissemination must be "deliver" \(Fabric 3.x\) or "gossip"/);
    expect(() => buildTopology({ gossip: { stateTransfer: true } })).toThrow(/gossip options need dissemination "gossip"/);
    expect(() => buildTopology({ policy: "OR('Nobody.peer')" })).toThrow(/unknown org principal 'Nobody.peer'/);
    expect(() => buildTopology({ zones: { 'peer9.techpulse': 'eu' } })).toThrow('topology: zones names unknown node "peer9.techpulse"');
  });
});
