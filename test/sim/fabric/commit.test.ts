/** The peer's commit pipeline in Fabric's order: verify, duplicate txid (9), endorsement policy (10), MVCC (11). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blockHeaderHash, genesisBlock, newBlock, serializeEnvelope, type Envelope, type NsRwSet } from '../../../src/sim/fabric/block.ts';
import { Out } from '../../../src/sim/fabric/effects.ts';
import { KvLedger } from '../../../src/sim/fabric/kvledger.ts';
import { parsePolicy } from '../../../src/sim/fabric/policy.ts';
import { FABRIC_LOGS } from '../../../src/sim/fabric/logs.ts';
import { renderLine } from '../../../src/shared/log-format.ts';

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
    expect(logs).toContainEqual({ type: 'log', kind: 'txvalidator.duplicateInBlock', args: ['t6'] });
    expect(logs).toContainEqual({ type: 'log', kind: 'validation.invalidTx', args: [2, 3, 't5', 'MVCC_READ_CONFLICT'] });
    expect(logs.some((e) => e.kind === 'txvalidator.dispatchFailed' && String(e.args[1]).startsWith('validation of endorsement policy for chaincode certcontract in tx 2:1 failed: implicit policy evaluation failed - 1 sub-policies were satisfied'))).toBe(true);
  });

  it('a duplicate txid after an invalid first copy is judged on its own (markTXIdDuplicates sees VALID txs only): [10,0]', () => {
    const { l, out } = ledger();
    const b1 = next(l, [
      tx('t7', write('A', '{"v":1}'), ['org3']), // 1 of 2 required orgs: ENDORSEMENT_POLICY_FAILURE
      tx('t7', write('A', '{"v":1}')), // the same txid, properly endorsed
      tx('t8', write('B', '{"v":1}'), ['org3']),
      tx('t8', write('B', '{"v":1}'), ['org3']), // both copies fail the policy: [10,10]
    ]);
    expect(l.commit(b1, policy, orgs, out).flags).toEqual([10, 0, 10, 10]);
    expect(l.version('certcontract', 'A')).toEqual({ block: 1, tx: 1 });
  });

  it('the block index finds a transaction id at its first copy: the first block, then the first place in it', () => {
    const { l, out } = ledger();
    l.commit(next(l, [tx('t7', write('A', '{"v":1}'), ['org3']), tx('t7', write('A', '{"v":1}'))]), policy, orgs, out);
    l.commit(next(l, [tx('t9', write('B', '{"v":1}')), tx('t7', write('C', '{"v":1}'))]), policy, orgs, out);
    expect(l.txLocation('t7')).toEqual({ block: 1, code: 10 });
    expect(l.txLocation('t9')).toEqual({ block: 2, code: 0 });
    expect(l.txLocation('nope')).toBeUndefined();
  });

  it('peers that commit the same block share its commit hash only after the same previous commit hash and with the same flags', () => {
    // Two peers with the same history commit the same block objects: the same hashes.
    const a = ledger();
    const b = ledger();
    const b1 = next(a.l, [tx('t1', write('A', '{"v":1}'))]);
    a.l.commit(b1, policy, orgs, a.out);
    b.l.commit(b1, policy, orgs, b.out);
    const b2 = next(a.l, [tx('t2', write('B', '{"v":1}')), tx('t3', write('A', '{"v":2}', { block: 1, tx: 0 }))]);
    a.l.commit(b2, policy, orgs, a.out);
    b.l.commit(b2, policy, orgs, b.out);
    expect(a.l.blocks[2]?.commitHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.l.blocks[1]?.commitHash).toBe(a.l.blocks[1]?.commitHash);
    expect(b.l.blocks[2]?.commitHash).toBe(a.l.blocks[2]?.commitHash);
    // A peer whose block 1 differs: the same block 2, with the same flags, hashes after its own previous hash.
    const c = ledger();
    c.l.commit(next(c.l, [tx('t1', write('A', '{"v":9}'))]), policy, orgs, c.out);
    c.l.commit(b2, policy, orgs, c.out);
    expect(c.l.blocks[2]?.flags).toEqual([0, 0]);
    expect(c.l.blocks[2]?.commitHash).not.toBe(a.l.blocks[2]?.commitHash);
    // A peer that judges block 1 under another policy: the same previous hash (block 0's), other flags, another hash.
    const d = ledger();
    d.l.commit(b1, parsePolicy('ALL Endorsement', orgs), orgs, d.out);
    expect(d.l.blocks[1]?.flags).toEqual([10]);
    expect(d.l.blocks[1]?.commitHash).not.toBe(a.l.blocks[1]?.commitHash);
    // And the first hash still holds for a peer that judges as the first ones did.
    const e = ledger();
    e.l.commit(b1, policy, orgs, e.out);
    expect(e.l.blocks[1]?.commitHash).toBe(a.l.blocks[1]?.commitHash);
  });

  it('kv_ledger.go addBlockCommitHash: SHA-256 over the previous commit hash, the flags, then each valid update as <ns>\\0<key>\\0<value>\\0', () => {
    const { l, out } = ledger();
    // Values that end in a high surrogate and begin with a low one: each update's bytes, not a pair across two.
    const v1 = '{"v":"é😀"}\ud83d';
    const v2 = '\ude00{"v":2}';
    const b1 = next(l, [tx('h1', write('A', v1)), tx('h2', write('B', '{"v":1}', { block: 9, tx: 9 })), tx('h3', write('C', v2))]);
    expect(l.commit(b1, policy, orgs, out).flags).toEqual([0, 11, 0]);
    const want = createHash('sha256').update('').update(Buffer.from([0, 11, 0])).update(`certcontract\u0000A\u0000${v1}\u0000`).update(`certcontract\u0000C\u0000${v2}\u0000`).digest('hex');
    expect(l.blocks[1]?.commitHash).toBe(want);
  });

  it('the validator\'s lines render as Fabric 3.1 prints them', () => {
    const fmt = (kind: string) => FABRIC_LOGS.find((f) => f.kind === kind)!;
    const line = (kind: string, args: (string | number)[]) => renderLine(fmt(kind), { type: 'log', kind, args }, 0, 1);
    expect(line('txvalidator.duplicate', ['t1'])).toBe('2026-03-14 10:00:00.000 UTC 0001 ERRO [committer.txvalidator] checkTxIdDupsLedger -> Duplicate transaction found,  t1 , skipping');
    expect(line('txvalidator.duplicateInBlock', ['t6'])).toBe('2026-03-14 10:00:00.000 UTC 0001 ERRO [committer.txvalidator] markTXIdDuplicates -> Duplicate txid t6 found, skipping');
    expect(line('txvalidator.dispatchFailed', ['t3', 'x'])).toBe('2026-03-14 10:00:00.000 UTC 0001 ERRO [committer.txvalidator] validateTx -> Dispatch for transaction txId = t3 returned error: x');
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
