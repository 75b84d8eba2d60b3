/**
 * Invariants over a simulated Fabric network, checked from outside the protocol (they read
 * the nodes' volumes and states, never steer them):
 *
 * - `blockHashesAgree`: every peer's block i has the same header hash as the orderers'
 *   block i, and the orderers agree among themselves (hash-chain agreement).
 * - `transactionsValid`: every transaction in the orderers' chain was submitted by a client
 *   (a gateway), and no transaction id commits VALID twice on any peer.
 * - `converged`: every running peer reaches the orderers' height within a bound.
 * - `stateMatchesLedger`: a peer's CouchDB equals the fold of its ledger (each key's last
 *   valid write, at its (block, tx) version), document for document (`_id`, fields,
 *   `~version`; not `_rev`, CouchDB's own revision history, which restarts when a database
 *   is recreated), plus the chaincode's index design docs, and `doc_count` matches.
 *
 * The first two are invariants of Fabric; the last two are expectations of the lab (a
 * Fabric network may break them without a bug: a 2.x gossip follower without state
 * transfer never catches up, a dropped state database stays empty until `rebuild-dbs`).
 */
import { blockHeaderHash, TxValidationCode, txWritesOf, verifyBlock, type Block, type Height, type StoredBlock } from '../fabric/block.ts';
import { CERT_INDEXES, CHAINCODE, LIFECYCLE_NS } from '../fabric/chaincode.ts';
import type { SimCluster } from './sim-cluster.ts';
import { CouchInstance, encodeVersionField, INTERNAL_DB, METADATA_DB, namespaceDbName, toCouchDoc, type CouchDoc, type StoredDoc } from '../fabric/couchdb.ts';
import { BLOCKS_KEY, PVTDATA_PREFIX, type TxPvtData } from '../fabric/kvledger.ts';
import { blockOfDecision, type OrdererState } from '../fabric/orderer.ts';
import type { PeerState } from '../fabric/peer.ts';
import type { Decision } from '../consensus/types.ts';

/**
 * One check's verdict: its name, whether it held, and a one-line detail. An `invariant`
 * is what Fabric guarantees (a run that breaks it found a bug); an `expectation` is what
 * the lab expects of a run but Fabric itself does not promise (a scenario's
 * `expectations` makes it fail the run, else it is a warning).
 */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly severity: 'invariant' | 'expectation';
  readonly expectation?: 'convergence' | 'state';
}

/** Fabric does not promise it: a 2.x gossip follower without state transfer stays behind (gossip/state/state.go). */
const CONVERGENCE = { severity: 'expectation', expectation: 'convergence' } as const;
/** Fabric does not promise it: a dropped state database is not rebuilt until `peer node rebuild-dbs` (kvledger/kv_ledger_provider.go). */
const STATE = { severity: 'expectation', expectation: 'state' } as const;

/** An orderer's decided blocks: from its state while it runs, from its disk while it is down. */
function ordererLedger(c: SimCluster, orderer: string): readonly Decision[] {
  const s = c.sim.state<OrdererState>(orderer);
  return s !== undefined ? s.consenter.ledger : c.sim.durable(orderer).list<Decision>('ledger');
}

/** Header hashes of the orderers' chain (genesis first), from the longest orderer ledger. */
export function ordererChainHashes(c: SimCluster): { hashes: string[]; problem: string | null } {
  const chains: { id: string; hashes: string[] }[] = [];
  for (const o of c.topology.orderers) {
    const decisions = ordererLedger(c, o);
    chains.push({ id: o, hashes: [blockHeaderHash(c.genesis.header), ...decisions.map((d) => blockHeaderHash(blockOfDecision(d).header))] });
  }
  chains.sort((a, b) => b.hashes.length - a.hashes.length);
  const longest = chains[0] ?? { id: '', hashes: [] };
  for (const ch of chains) {
    for (let i = 0; i < ch.hashes.length; i++) {
      if (ch.hashes[i] !== longest.hashes[i]) {
        return { hashes: longest.hashes, problem: `orderers ${ch.id} and ${longest.id} disagree on block ${i}: ${ch.hashes[i] ?? ''} vs ${longest.hashes[i] ?? ''}` };
      }
    }
  }
  return { hashes: longest.hashes, problem: null };
}

function peerBlocks(c: SimCluster, peer: string): readonly StoredBlock[] {
  return c.sim.durable(peer).get<StoredBlock[]>(BLOCKS_KEY) ?? [];
}

/** Every peer's chain is a prefix of the orderers' chain, hash for hash. */
export function blockHashesAgree(c: SimCluster): CheckResult {
  const name = 'block hashes agree with the orderers';
  const { hashes, problem } = ordererChainHashes(c);
  if (problem !== null) return { name, severity: 'invariant', ok: false, detail: problem };
  for (const p of c.topology.peers) {
    const blocks = peerBlocks(c, p);
    if (blocks.length > hashes.length) return { name, severity: 'invariant', ok: false, detail: `${p} has ${blocks.length} blocks, more than the orderers' ${hashes.length}` };
    for (let i = 0; i < blocks.length; i++) {
      const h = blockHeaderHash((blocks[i] as StoredBlock).block.header);
      if (h !== hashes[i]) return { name, severity: 'invariant', ok: false, detail: `${p} block ${i} has hash ${h}, the orderers' block ${i} has ${hashes[i] ?? ''}` };
    }
  }
  return { name, severity: 'invariant', ok: true, detail: `${c.topology.peers.length} peers are prefixes of the orderers' chain of ${hashes.length} blocks` };
}

/**
 * Validity: only submitted transactions are ordered, and none commits valid twice. What was
 * submitted is folded against the blocks as they were decided (validity.ts): a transaction
 * still pending then was submitted; one that was not is valid only as a copy of one earlier
 * in the chain.
 */
export function transactionsValid(c: SimCluster): CheckResult {
  const name = 'only submitted transactions, none valid twice';
  const fold = c.validity;
  let longest: readonly Decision[] = [];
  for (const o of c.topology.orderers) {
    const ledger = ordererLedger(c, o);
    if (ledger.length > longest.length) longest = ledger;
  }
  // The chain is read as it is now: block by block from genesis, each linked to the one
  // before and holding the data its header hashes (verifyBlock, as a peer checks a block it
  // is given), so that the last folded header below stands for every block up to it.
  const blocks = longest.map((d) => blockOfDecision(d));
  let prev = blockHeaderHash(c.genesis.header);
  let foldedHash = '';
  for (let n = 1; n <= blocks.length; n++) {
    const block = blocks[n - 1] as Block;
    const bad = verifyBlock(block, n, prev);
    if (bad !== null) return { name, severity: 'invariant', ok: false, detail: `the orderers' longest chain: ${bad}` };
    prev = blockHeaderHash(block.header);
    if (n === fold.height) foldedHash = prev;
  }
  if (fold.height > 0) {
    if (foldedHash !== fold.lastHash) return { name, severity: 'invariant', ok: false, detail: `the orderers' longest chain (${longest.length} blocks) does not hold block ${fold.height} as it was decided (${fold.lastHash}): a decided block changed` };
  }
  // The ids at the places the fold did not match, and which of them the walk has met so far.
  const unmatched = new Map<number, Set<number>>();
  const copies = new Set<string>();
  // Blocks no decided fact announced yet (none when the observers watched from the start)
  // are matched here without being folded.
  for (const p of [...fold.unmatched(), ...fold.unmatchedBeyond(longest)]) {
    let s = unmatched.get(p.block);
    if (s === undefined) unmatched.set(p.block, (s = new Set()));
    s.add(p.index);
    const env = txWritesOf(blocks[p.block - 1] as Block)[p.index];
    if (env !== null && env !== undefined) copies.add(env.txId);
  }
  const met = new Set<string>();
  let txs = 0;
  for (const block of blocks) {
    const at = unmatched.get(block.header.number);
    const envs = txWritesOf(block);
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i] ?? null;
      txs++;
      if (env === null) return { name, severity: 'invariant', ok: false, detail: `block ${block.header.number} carries a transaction that does not parse` };
      if (at?.has(i) === true && !met.has(env.txId)) return { name, severity: 'invariant', ok: false, detail: `block ${block.header.number} carries transaction ${env.txId}, which no client submitted` };
      if (copies.has(env.txId)) met.add(env.txId);
    }
  }
  for (const p of c.topology.peers) {
    const seen = new Map<string, number>();
    for (const sb of peerBlocks(c, p)) {
      const envs = txWritesOf(sb.block);
      for (let i = 0; i < envs.length; i++) {
        const env = envs[i];
        if (env === null || env === undefined || sb.flags[i] !== TxValidationCode.VALID) continue;
        const first = seen.get(env.txId);
        if (first !== undefined) {
          return { name, severity: 'invariant', ok: false, detail: `${p} committed transaction ${env.txId} as VALID in block ${first} and again in block ${sb.block.header.number}` };
        }
        seen.set(env.txId, sb.block.header.number);
      }
    }
  }
  return { name, severity: 'invariant', ok: true, detail: `${txs} ordered transactions, all submitted by a gateway; no transaction valid twice on ${c.topology.peers.length} peers` };
}

/** Every running peer reaches the orderers' height within `boundMs` of simulated time. */
export async function converged(c: SimCluster, boundMs: number): Promise<CheckResult> {
  const name = 'peers converge to the orderers height';
  const heightOf = (p: string): number => c.sim.state<PeerState>(p)?.ledger?.height ?? -1;
  const target = (): number => ordererChainHashes(c).hashes.length;
  const ok = await c.waitUntil(() => c.topology.peers.every((p) => !c.sim.isUp(p) || heightOf(p) >= target()), boundMs, 250);
  const lagging = c.topology.peers.filter((p) => c.sim.isUp(p) && heightOf(p) < target());
  if (ok) return { name, ...CONVERGENCE, ok, detail: `every running peer reached height ${target()} by t=${Math.round(c.now())}ms` };
  return { name, ...CONVERGENCE, ok, detail: `within ${boundMs} ms ${lagging.map((p) => `${p} stayed at height ${heightOf(p)}`).join(', ')}; the orderers are at ${target()}` };
}

/**
 * The fold of a ledger: for each namespace, each key's last valid write and its version
 * (block, tx index), walking the stored blocks with their validation flags. Written here
 * independently of the peer's commit code, so the checker does not trust what it checks.
 *
 * Private data collections fold as Fabric's state database holds them
 * (privacyenabledstate/db.go): every peer has the hashes of every valid transaction's
 * private writes in `<ns>$$h<coll>`, under the base64 of the key hash with the value hash
 * (hex in the model) as the value; the private values themselves (`<ns>$$p<coll>`) only
 * where the peer's private data store has them (`pvt`, block number -> its transactions).
 */
export function foldLedger(blocks: readonly StoredBlock[], pvt: ReadonlyMap<number, readonly TxPvtData[]> = new Map()): Map<string, Map<string, { value: string | null; version: Height }>> {
  const state = new Map<string, Map<string, { value: string | null; version: Height }>>();
  const put = (ns: string, key: string, value: string | null, version: Height): void => {
    let m = state.get(ns);
    if (m === undefined) state.set(ns, (m = new Map()));
    m.set(key, { value, version });
  };
  for (const sb of blocks) {
    const block = sb.block.header.number;
    const envs = txWritesOf(sb.block);
    envs.forEach((env, tx) => {
      if (env === null || env.type === 'CONFIG' || sb.flags[tx] !== 0) return;
      for (const ns of env.rwset) {
        if (!state.has(ns.ns)) state.set(ns.ns, new Map());
        for (const w of ns.writes) put(ns.ns, w.key, w.value, { block, tx });
        for (const c of ns.collHashed ?? []) {
          for (const h of c.hashedWrites) put(`${ns.ns}$$h${c.coll}`, Buffer.from(h.keyHash, 'hex').toString('base64'), h.valueHash, { block, tx });
        }
      }
      for (const t of pvt.get(block) ?? []) {
        if (t.tx !== tx) continue;
        for (const c of t.pvt) for (const w of c.writes) put(`${c.ns}$$p${c.coll}`, w.key, w.value, { block, tx });
      }
    });
  }
  return state;
}

/** A peer's private data store, as its volume holds it. */
function peerPvtData(c: SimCluster, peer: string): Map<number, readonly TxPvtData[]> {
  const v = c.sim.durable(peer);
  const out = new Map<number, readonly TxPvtData[]>();
  for (const key of v.keys()) if (key.startsWith(PVTDATA_PREFIX)) out.set(Number(key.slice(PVTDATA_PREFIX.length)), v.get<TxPvtData[]>(key) as TxPvtData[]);
  return out;
}

/** A peer's CouchDB equals the fold of its block files, document for document, with matching doc_count. */
export function stateMatchesLedger(c: SimCluster, peer: string): CheckResult {
  const name = `state database of ${peer} equals the fold of its ledger`;
  const blocks = peerBlocks(c, peer);
  const fold = foldLedger(blocks, peerPvtData(c, peer));
  const have = CouchInstance.load(c.sim.durable(peer));
  const defined = new Set<string>();
  for (const [key, w] of fold.get(LIFECYCLE_NS) ?? []) if (w.value !== null && key.startsWith('namespaces/metadata/')) defined.add(key.slice('namespaces/metadata/'.length));
  const skip = new Set([METADATA_DB, INTERNAL_DB]);
  const namespaces = new Set([...fold.keys(), ...defined]);
  const known = new Set([...namespaces].map((ns) => namespaceDbName(ns)));
  for (const db of have.allDbs()) {
    if (skip.has(db) || known.has(db)) continue;
    if (have.liveStored(db).length > 0) return { name, ...STATE, ok: false, detail: `${db} holds documents the ledger never wrote` };
  }
  let docs = 0;
  for (const ns of [...namespaces].sort()) {
    const db = namespaceDbName(ns);
    const keys = [...(fold.get(ns) ?? new Map<string, { value: string | null; version: Height }>())].filter(([, w]) => w.value !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const designs = ns === CHAINCODE && defined.has(CHAINCODE) ? CERT_INDEXES.length : 0;
    if (!have.exists(db)) {
      if (keys.length + designs > 0) return { name, ...STATE, ok: false, detail: `${db} does not exist, the ledger holds ${keys.length} live keys for it` };
      continue;
    }
    const live = have.liveStored(db);
    const ledgerDocs = live.filter((d) => !d._id.startsWith('_design/'));
    const designDocs = live.length - ledgerDocs.length;
    const count = have.info(db)?.doc_count ?? 0;
    if (count !== keys.length + designs) return { name, ...STATE, ok: false, detail: `${db} doc_count is ${count}, the ledger gives ${keys.length} live keys + ${designs} index design docs` };
    if (designDocs !== designs) return { name, ...STATE, ok: false, detail: `${db} has ${designDocs} design docs, the chaincode package has ${designs} indexes` };
    for (let i = 0; i < Math.max(keys.length, ledgerDocs.length); i++) {
      const want = keys[i];
      const got = ledgerDocs[i];
      if (want !== undefined && got !== undefined && sameLedgerDoc(got, want[0], want[1].value, want[1].version)) continue;
      const wantDoc = want === undefined ? null : JSON.stringify(withoutRev(expectedDoc(want[0], want[1].value ?? '', want[1].version)));
      const gotDoc = got === undefined ? null : JSON.stringify(withoutRev(toCouchDoc(got)));
      if (wantDoc !== gotDoc) return { name, ...STATE, ok: false, detail: `${db} document ${i}: have ${gotDoc ?? 'none'}, the ledger gives ${wantDoc ?? 'none'}` };
    }
    docs += live.length;
  }
  return { name, ...STATE, ok: true, detail: `${namespaces.size} namespace databases (${docs} documents) match the fold of ${blocks.length} blocks` };
}

/**
 * A stored ledger document that is `key` at `version` holding `value` as written: its
 * CouchDB JSON is then the expected document's text, as both are made from the same value
 * (JSON object fields, else the attachment), id and `~version`. Compared in place: both JSON
 * texts were built (each value parsed and written again) for every key of every peer, 9%
 * of a `check` schedule's CPU; any other document is compared by its text.
 */
function sameLedgerDoc(got: StoredDoc, key: string, value: string | null, version: Height): boolean {
  return got.body === undefined && got.value !== undefined && got.value === value && got._id === key && got.ver === encodeVersionField(version);
}

function withoutRev(doc: CouchDoc): Record<string, unknown> {
  const { _rev: _ignored, ...rest } = doc;
  return rest;
}

/** The CouchDB document a ledger key at a version should be (JSON object fields at top level, else the valueBytes attachment). */
function expectedDoc(key: string, value: string, version: Height): CouchDoc {
  let fields: unknown;
  try {
    fields = JSON.parse(value);
  } catch {
    fields = undefined;
  }
  const base: Record<string, unknown> =
    fields !== null && typeof fields === 'object' && !Array.isArray(fields)
      ? { _id: key, _rev: '', ...(fields as Record<string, unknown>) }
      : { _id: key, _rev: '', _attachments: { valueBytes: { content_type: 'application/octet-stream', data: Buffer.from(value).toString('base64') } } };
  base['~version'] = encodeVersionField(version);
  return base as CouchDoc;
}
