/** The peer's commit pipeline in Fabric's order: verify, duplicate txid (9), endorsement policy (10), MVCC (11). */
import { describe, expect, it } from 'vitest';
import { blockHeaderHash, genesisBlock, newBlock, serializeEnvelope, type Envelope, type NsRwSet } from '../../../src/sim/fabric/block.ts';
import { Out } from '../../../src/sim/fabric/effects.ts';
import { KvLedger } from '../../../src/sim/fabric/kvledger.ts';
import { parsePolicy } from '../../../src/sim/fabric/policy.ts';

const orgs = ['techpulse', 'dataforge', 'org3'];
const policy = parsePolicy('MAJORITY Endorsement', orgs);
const genesis = genesisBlock({ channel: 'certchannel', orgs, orderers: ['orderer.techpulse'], policy: 'MAJORITY Endorsement' });

function tx(txId: string, rwset: NsRwSet[], endorsers = ['techpulse', 'dataforge']): string {
  const env: Envelope = {
    txId,
    channel: 'certchannel',
    type: 'ENDORSER_TRANSACTION',
    creator: 'techpulse',
    timestampMs: 0,
    chaincode: 'certcontract',
    fn: 'IssueCertificate',
    args: [],
    rwset,
    endorsements: endorsers.map((org) => ({ org, peer: `peer0.${org}` })),
  };
  return serializeEnvelope(env);
}

const write = (key: string, value: string, read: { block: number; tx: number } | null = null): NsRwSet[] => [
  { ns: 'certcontract', reads: [{ key, version: read }], writes: [{ key, value }] },
];

function ledger(): { l: KvLedger; out: Out } {
  const out = new Out();
  return { l: KvLedger.create(genesis, out), out };
}

function next(l: KvLedger, data: string[]) {
  return newBlock(l.height, l.blockHash(l.height - 1), data);
}

describe('commit pipeline', () => {
  it('invalid transactions stay in the block with their code; only valid writes reach state, at (block, tx)', () => {
    const { l, out } = ledger();
    const b1 = next(l, [tx('t1', write('A', '{"v":1}')), tx('t2', write('B', '{"v":1}'))]);
    expect(l.commit(b1, policy, orgs, out).flags).toEqual([0, 0]);
    expect(l.version('certcontract', 'B')).toEqual({ block: 1, tx: 1 });

    const b2 = next(l, [
      tx('t1', write('C', '{"v":1}')), // duplicate txid of block 1
      tx('t3', write('D', '{"v":1}'), ['org3']), // 1 of 2 required orgs
      tx('t4', write('A', '{"v":2}', { block: 1, tx: 0 })), // valid: reads the committed version
      tx('t5', write('A', '{"v":3}', { block: 1, tx: 0 })), // A was written by t4 earlier in this block
      tx('t6', write('B', '{"v":2}', { block: 0, tx: 0 })), // stale read version
      tx('t6', write('E', '{"v":1}')), // duplicate within the block
    ]);
    const r = l.commit(b2, policy, orgs, out);
    expect(r.flags).toEqual([9, 10, 0, 11, 11, 9]);
    expect(l.blocks[2]?.flags).toEqual([9, 10, 0, 11, 11, 9]);
    expect(l.blocks[2]?.block.data.length).toBe(6);
    expect(l.version('certcontract', 'A')).toEqual({ block: 2, tx: 2 });
    expect(l.version('certcontract', 'C')).toBeNull();
    expect(l.version('certcontract', 'D')).toBeNull();
    expect(l.version('certcontract', 'B')).toEqual({ block: 1, tx: 1 });
    expect(l.txLocation('t4')).toEqual({ block: 2, code: 0 });
    expect(l.txLocation('t5')).toEqual({ block: 2, code: 11 });

    const logs = out.list.flatMap((e) => (e.kind === 'emit' && e.event.type === 'log' ? [e.event as { type: string; kind: string; args: readonly unknown[] }] : []));
    expect(logs).toContainEqual({ type: 'log', kind: 'txvalidator.duplicate', args: ['t1'] });
    expect(logs).toContainEqual({ type: 'log', kind: 'validation.invalidTx', args: [2, 3, 't5', 'MVCC_READ_CONFLICT'] });
    expect(logs.some((e) => e.kind === 'txvalidator.vsccFailed' && String(e.args[1]).startsWith('validation of endorsement policy for chaincode certcontract in tx 2:1 failed: implicit policy evaluation failed - 1 sub-policies were satisfied'))).toBe(true);
  });

  it('the block store chains: getinfo reports the last header hash and its previous hash', () => {
    const { l, out } = ledger();
    l.commit(next(l, [tx('t1', write('A', '{}'))]), policy, orgs, out);
    const info = l.info();
    expect(info.height).toBe(2);
    expect(Buffer.from(info.currentBlockHash, 'base64').toString('hex')).toBe(l.blockHash(1));
    expect(Buffer.from(info.previousBlockHash ?? '', 'base64').toString('hex')).toBe(blockHeaderHash(genesis.header));
  });
});
