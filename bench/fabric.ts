/**
 * Fabric model throughput, in wall-clock rates:
 * - `fabric.e2e.certsPerSec`: certificates issued end to end (gateway endorsement on the
 *   peers, broadcast to every orderer, SmartBFT ordering, delivery, validation and commit on
 *   every peer, commit status back to the gateway) on the default certchain topology, at a
 *   load the modelled network keeps up with (e2eEveryMs): every certificate must come back
 *   committed.
 * - `fabric.rebuild.txPerSec`: the replay `rebuild-dbs` triggers on the next start (block
 *   index rebuild + every block's valid writes into a fresh CouchDB state database) for a
 *   ledger of 100,000 certificates, as it runs inside a simulation: the block files hold
 *   the same block objects the peer committed, whose transactions' ids and writes were
 *   decoded then (`txWritesOf`, kept per block's data).
 * - `fabric.rebuild.coldTxPerSec`: the same replay with every envelope and value decoded
 *   again (fresh block objects), the cost a first read of the block files carries.
 * (What a cluster keeps as a run goes on, `memory.fabric.*`, is bench/memory.ts.)
 */
import { blockHeaderHash, genesisBlock, newBlock, serializeEnvelope, type Block, type Envelope, type StoredBlock } from '../src/sim/fabric/block.ts';
import { SimCluster } from '../src/sim/cluster/sim-cluster.ts';
import { Out } from '../src/sim/fabric/effects.ts';
import { BLOCKS_KEY, KvLedger } from '../src/sim/fabric/kvledger.ts';
import { DurableStore } from '../src/sim/kernel/index.ts';
import { DEFAULT_COST_MODEL } from '../src/sim/fabric/profile.ts';
import { measureRate } from './measure.ts';

const E2E_CERTS = 3_000;

/**
 * Each org submits one certificate every `e2eEveryMs(orgs)` ms of simulated time: the load
 * is 80% of what the slowest stage of the modelled network handles per transaction. Two
 * stages cost per transaction: every peer validates and commits each one (the profile's
 * per-transaction commit costs: validate, state validation, block commit, state commit and
 * the rest, 1.71 ms with the built-in profile of 2026-12-03 20:36), and every orderer handles each one's
 * broadcast (the Gateway sends it to every orderer) at the profile's per-message CPU cost
 * (about 1.3 ms); the per-block costs are shared by a block's transactions. A burst (all
 * 3,000 at once) is more than the gateway peer commits within the Gateway's 60 s commit
 * wait with profile v2's commit costs (about 19 ms a transaction), so its last block's
 * transactions were answered `timed out waiting for transaction ... to commit` (504)
 * although the peers committed them VALID; the pacing keeps the row comparable across
 * profiles.
 */
function e2eEveryMs(orgs: number): number {
  const c = DEFAULT_COST_MODEL.commit;
  const peerPerTxMs = c.validate.perTxMs + c.stateValidation.perTxMs + c.blockCommit.perTxMs + c.stateCommit.perTxMs + c.rest.perTxMs;
  const slowestMs = Math.max(peerPerTxMs, DEFAULT_COST_MODEL.ordererPerMessageMs);
  return Math.ceil((orgs * slowestMs) / 0.8);
}

async function e2eOnce(seed: number): Promise<number> {
  const c = await SimCluster.create({ seed });
  const orgs = c.topology.orgs;
  const per = Math.ceil(E2E_CERTS / orgs.length);
  const everyMs = e2eEveryMs(orgs.length);
  const loads: number[] = [];
  for (const org of orgs) {
    const started = c.startClockLoad(org, per, everyMs);
    if (started.load === undefined) throw new Error(`bench fabric.e2e: load via ${org} did not start: ${started.error ?? ''}`);
    loads.push(started.load);
  }
  const tallies = async () => Promise.all(loads.map((l) => c.loadTally(l)));
  let answered = 0;
  await c.waitUntil(
    async () => {
      answered = (await tallies()).reduce((n, t) => n + t.committed + t.failed, 0);
      return answered >= per * orgs.length;
    },
    600_000,
    1_000,
  );
  const final = await tallies();
  const ok = final.reduce((n, t) => n + t.committed, 0);
  if (ok < per * orgs.length) {
    // Say what the failed submissions got back, grouped by reason (transaction ids left out).
    const reasons = new Map<string, number>();
    for (const [reason, n] of final.flatMap((t) => Object.entries(t.errors))) {
      const r = reason.replace(/\b[0-9a-f]{64}\b/g, '<txid>');
      reasons.set(r, (reasons.get(r) ?? 0) + n);
    }
    const why = [...reasons].map(([r, n]) => `${n} x ${r}`).join('; ');
    throw new Error(`bench fabric.e2e (seed ${seed}): only ${ok} of ${per * orgs.length} certificates committed: ${why}`);
  }
  return ok;
}

const REBUILD_CERTS = 100_000;
const TX_PER_BLOCK = 500;

/** A peer's block files holding REBUILD_CERTS certificate transactions (all valid). */
function ledgerOfCertificates(): StoredBlock[] {
  const orgs = ['techpulse', 'dataforge', 'org3'];
  const genesis = genesisBlock({ channel: 'certchannel', orgs, orderers: ['orderer.techpulse'], policy: 'MAJORITY Endorsement' });
  const blocks: StoredBlock[] = [{ block: genesis, flags: [0], commitHash: '' }];
  let prev = blockHeaderHash(genesis.header);
  let n = 0;
  for (let b = 1; n < REBUILD_CERTS; b++) {
    const data: string[] = [];
    for (let i = 0; i < TX_PER_BLOCK && n < REBUILD_CERTS; i++, n++) {
      const certID = `BENCH-${n}`;
      const value = JSON.stringify({ docType: 'certificate', certID, studentID: `s${n % 977}@x.demo`, studentName: 'Bench Student', courseID: 'B-101', courseName: 'Benchmarking', issueDate: '2026-03-14', expiryDate: '2027-03-14', issuer: 'TechpulseMSP', revoked: false });
      const env: Envelope = {
        txId: `tx-${n}`,
        channel: 'certchannel',
        type: 'ENDORSER_TRANSACTION',
        creator: 'techpulse',
        timestampMs: n,
        chaincode: 'certcontract',
        fn: 'IssueCertificate',
        args: [certID],
        rwset: [{ ns: 'certcontract', reads: [{ key: certID, version: null }], writes: [{ key: certID, value }] }],
        endorsements: [
          { org: 'techpulse', peer: 'peer0.techpulse' },
          { org: 'dataforge', peer: 'peer0.dataforge' },
        ],
      };
      data.push(serializeEnvelope(env));
    }
    const block: Block = newBlock(b, prev, data, [1, 2, 3]);
    prev = blockHeaderHash(block.header);
    blocks.push({ block, flags: data.map(() => 0), commitHash: '' });
  }
  return blocks;
}

export async function benchFabric(): Promise<Record<string, number>> {
  // measureRate wants a synchronous task: run the async e2e loop ourselves (one warm-up run, then three timed).
  await e2eOnce(100);
  let certs = 0;
  const started = performance.now();
  for (let seed = 1; seed <= 3; seed++) certs += await e2eOnce(seed);
  const e2e = certs / ((performance.now() - started) / 1000);

  const files = ledgerOfCertificates();
  const replay = (cold: boolean) => (): number => {
    const volume = new DurableStore();
    // Cold: fresh block objects and data arrays (decoded writes are kept per data array),
    // so every envelope and value is decoded again.
    volume.apply({ op: 'set', key: BLOCKS_KEY, value: cold ? files.map((sb) => ({ ...sb, block: { ...sb.block, data: sb.block.data.slice() } })) : files.slice() });
    const r = KvLedger.open(volume, new Out());
    if (!('ledger' in r)) throw new Error(`bench fabric.rebuild: ${r.error}`);
    return REBUILD_CERTS;
  };
  const rebuild = await measureRate('fabric.rebuild.txPerSec', replay(false), { iterations: 3, timeMs: 500 });
  const cold = await measureRate('fabric.rebuild.coldTxPerSec', replay(true), { iterations: 3, timeMs: 500 });
  return { 'fabric.e2e.certsPerSec': e2e, 'fabric.rebuild.txPerSec': rebuild, 'fabric.rebuild.coldTxPerSec': cold };
}
