import { describe, expect, it } from 'vitest';
import { stateMatchesLedger, transactionsValid } from '../../../src/sim/cluster/checkers.ts';
import { encodeVersionField, type StoredDoc } from '../../../src/sim/fabric/couchdb.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { ValidityFold } from '../../../src/sim/cluster/validity.ts';
import { envelopesOf, type Block } from '../../../src/sim/fabric/block.ts';
import type { NodeMachine } from '../../../src/sim/kernel/index.ts';
import type { Decision } from '../../../src/sim/consensus/types.ts';
import { blockOfDecision, type OrdererState } from '../../../src/sim/fabric/orderer.ts';

describe('validity checker', () => {
  it('every ordered transaction was submitted by a gateway, none valid twice', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const r = await c.issueCertificate('dataforge', { certID: 'V-1', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(true);
    const ok = transactionsValid(c);
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/ordered transactions, all submitted by a gateway/);
  });

  it('names the block and the transaction when the chain carries one no client submitted', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const last = lastBlock(c);
    // A client that is no gateway broadcasts a copy of the last envelope under an id of its own.
    const txId = 'f'.repeat(64);
    const envelope = JSON.stringify({ ...(JSON.parse(last.data[0]!) as object), txId });
    broadcastFromRogue(c, txId, envelope);
    await c.sleep(5_000);
    const forged = lastBlock(c);
    expect(forged.header.number).toBeGreaterThan(last.header.number);
    expect(envelopesOf(forged)[0]!.txId).toBe(txId);
    const bad = transactionsValid(c);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toBe(`block ${forged.header.number} carries transaction ${txId}, which no client submitted`);
  });

  it('a copy of an ordered transaction ordered again is submitted (the peers flag it DUPLICATE_TXID)', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const last = lastBlock(c);
    const env = envelopesOf(last)[0]!;
    // Every orderer restarted forgets the ids it processed (requestpool.go delMap is volatile): the copy is ordered again.
    for (const o of c.topology.orderers) await c.stop(o);
    for (const o of c.topology.orderers) await c.start(o);
    broadcastFromRogue(c, env.txId, last.data[0]!);
    await c.sleep(10_000);
    const again = lastBlock(c);
    expect(again.header.number).toBeGreaterThan(last.header.number);
    expect(envelopesOf(again)[0]!.txId).toBe(env.txId);
    expect(c.validity.unmatched()).toEqual([{ block: again.header.number, index: 0 }]);
    const ok = transactionsValid(c);
    expect(ok).toMatchObject({ ok: true });
  });

  it('says so when the chain it reads no longer holds the last block decided (every orderer lost its last write)', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const decided = c.validity.height;
    const hash = c.validity.lastHash;
    for (const o of c.topology.orderers) {
      await c.stop(o);
      c.sim.durable(o).apply({ op: 'truncate', key: 'ledger', length: decided - 1 });
    }
    const bad = transactionsValid(c);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toBe(`the orderers' longest chain (${decided - 1} blocks) does not hold block ${decided} as it was decided (${hash}): a decided block changed`);
  });

  it("names a decided block whose data no longer matches its header (a transaction swapped under the same header on every orderer)", async () => {
    const c = await SimCluster.create({ seed: 5 });
    const txId = 'f'.repeat(64);
    let at = 0;
    for (const o of c.topology.orderers) {
      const ledger = c.sim.state<OrdererState>(o)!.consenter.ledger as Decision[];
      const k = ledger.findIndex((d) => d.proposal.payload.length > 0);
      const d = ledger[k]!;
      const req = d.proposal.payload[0]!;
      const forged = JSON.stringify({ ...(JSON.parse(req.payload as string) as object), txId });
      ledger[k] = { ...d, proposal: { ...d.proposal, payload: [{ ...req, payload: forged }, ...d.proposal.payload.slice(1)] } };
      at = k + 1;
    }
    const bad = transactionsValid(c);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toBe(`the orderers' longest chain: Header.DataHash is different from Hash(block.Data) for block with id [${at}] on channel [certchannel]`);
  });

  it('reads blocks past the folded height without folding them (unmatchedBeyond): what a check reads leaves the fold as it was', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const ledger = c.sim.state<OrdererState>('orderer.techpulse')!.consenter.ledger;
    const fold = new ValidityFold();
    // Only the last block's transactions were submitted: every other place is unmatched.
    const last = blockOfDecision(ledger[ledger.length - 1]!);
    for (const env of envelopesOf(last)) fold.submitted(env!.txId);
    const places = ledger.slice(0, -1).flatMap((d) => envelopesOf(blockOfDecision(d)).map((_, index) => ({ block: blockOfDecision(d).header.number, index })));
    expect(places.length).toBeGreaterThan(0);
    expect(fold.unmatchedBeyond(ledger)).toEqual(places);
    expect({ height: fold.height, pending: fold.pending().size, unmatched: fold.unmatched().length }).toEqual({ height: 0, pending: envelopesOf(last).length, unmatched: 0 });
  });

  it('keeps the submitted ids only until their block is decided (issue #19: a long run does not keep every id)', async () => {
    const c = await SimCluster.create({ seed: 1 });
    const before = c.validity.txs;
    const started = c.startClockLoad('techpulse', 300, 100);
    await c.sleep(40_000);
    expect(await c.loadTally(started.load as number)).toMatchObject({ committed: 300 });
    expect(c.validity.txs - before).toBe(300);
    expect(c.validity.pending().size).toBe(0);
    expect(c.validity.unmatched()).toEqual([]);
    expect(transactionsValid(c)).toMatchObject({ ok: true });
  });
});

function lastBlock(c: SimCluster): Block {
  const ledger = c.sim.state<OrdererState>('orderer.techpulse')!.consenter.ledger;
  return blockOfDecision(ledger[ledger.length - 1]!);
}

/** A client node of its own (no gateway: no `gateway.submitted` fact) that broadcasts an envelope to every orderer. */
function broadcastFromRogue(c: SimCluster, txId: string, envelope: string): void {
  const rogue: NodeMachine<null, unknown, { readonly to: readonly string[]; readonly msg: unknown }> = {
    start: () => ({ state: null, effects: [] }),
    step: (_s, input) => (input.kind === 'command' ? input.command.to.map((to) => ({ kind: 'send' as const, to, msg: input.command.msg })) : []),
  };
  if (!c.sim.has('client.rogue')) c.sim.addNode('client.rogue', rogue);
  c.sim.command('client.rogue', { to: c.topology.orderers, msg: { type: 'broadcast', txId, envelope } });
}

describe('state checker', () => {
  const issue = async (c: SimCluster, certID: string): Promise<void> => {
    const r = await c.issueCertificate('dataforge', { certID, studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(true);
  };
  const KEY = 'couchdb/certchannel_certcontract/S-1';

  it('a document whose value, ~version or id is not the ledger\'s is named with both texts; one written again as the ledger has it passes', async () => {
    const c = await SimCluster.create({ seed: 5 });
    await issue(c, 'S-1');
    await c.sleep(1_000);
    expect(stateMatchesLedger(c, 'peer0.org3').ok).toBe(true);
    const volume = c.sim.durable('peer0.org3');
    const doc = volume.get<StoredDoc>(KEY) as StoredDoc;
    const tampered = (d: StoredDoc): string => {
      volume.apply({ op: 'set', key: KEY, value: d });
      const r = stateMatchesLedger(c, 'peer0.org3');
      expect(r.ok).toBe(false);
      return r.detail;
    };
    expect(tampered({ ...doc, value: (doc.value as string).replace('"S"', '"T"') })).toMatch(/certchannel_certcontract document \d+: have \{"_id":"S-1",.*"studentName":"T".*, the ledger gives \{"_id":"S-1",.*"studentName":"S"/);
    expect(tampered({ ...doc, ver: encodeVersionField({ block: 1, tx: 0 }) })).toContain(`"~version":"${encodeVersionField({ block: 1, tx: 0 })}"}, the ledger gives`);
    expect(tampered({ ...doc, _id: 'S-0' })).toMatch(/have \{"_id":"S-0"/);
    // The same document as a copy (another string of the same value): equal.
    volume.apply({ op: 'set', key: KEY, value: { ...doc, value: JSON.stringify(JSON.parse(doc.value as string)) } });
    expect(stateMatchesLedger(c, 'peer0.org3').ok).toBe(true);
  });
});
