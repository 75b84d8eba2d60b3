/**
 * A peer's ledger for the channel: the block store (block files + index) and the CouchDB
 * state database, with Fabric's open / recover / commit logic
 * (core/ledger/kvledger/kv_ledger.go, common/ledger/blkstorage/blockfile_mgr.go,
 * core/ledger/ledgermgmt/ledger_mgmt.go).
 *
 * Opening: `Opening ledger with id` -> block index sync (`syncIndex`) -> state DB open
 * (`fabric__internal`, `<channel>_`) -> recovery: the state savepoint is compared with the
 * block store; behind -> `recommitLostBlocks` replays blocks with their stored validation
 * flags and no MVCC re-check; ahead -> `the state database [height=..] is ahead of the
 * block store ...` and the ledger does not open -> `Opened ledger with id`.
 *
 * Durable layout (the peer's volume): block files `ledgersData/chains/chains/certchannel`
 * (a list of StoredBlock), the index `ledgersData/chains/index`, the pre-reset height
 * marker, and CouchDB under `couchdb/` (see couchdb.ts).
 */
import { createHash } from 'node:crypto';
import type { DurableView } from '../kernel/types.ts';
import { blockHeaderHash, CHANNEL, envelopesOf, hexToBase64, pvtDataNs, txWritesOf, type Block, type CollPvtRwSet, type Height, type StoredBlock } from './block.ts';
import { CERT_INDEXES, CHAINCODE, definitionKeys, indexDesignDoc, LIFECYCLE_NS, type StateReader } from './chaincode.ts';
import { CHANNEL_METADATA_DOC, CouchInstance, docValue, docVersion, fieldsOf, INTERNAL_DB, METADATA_DB, namespaceDbName, SAVEPOINT_DOC } from './couchdb.ts';
import type { Out } from './effects.ts';
import { costMs, DEFAULT_COST_MODEL, type CostModel } from './profile.ts';
import type { Policy } from './policy.ts';
import { updatesFromFlags, validateBlock, type StateUpdate } from './validator.ts';

export const BLOCKS_KEY = `ledgersData/chains/chains/${CHANNEL}`;
export const INDEX_KEY = 'ledgersData/chains/index';
export const PRE_RESET_KEY = `ledgersData/chains/chains/${CHANNEL}/__preResetHeight`;
export const LEDGER_ROOT = '/var/hyperledger/production/ledgersData';
/**
 * The private data store (`ledgersData/pvtdataStore`): per block, the private writes of its
 * valid transactions this peer is eligible for. rebuild-dbs, reset and rollback do not
 * touch it (kvledger/rebuild_dbs.go, drop_dbs.go: state, config history, bookkeeper,
 * history and the block index only).
 */
export const PVTDATA_PREFIX = 'ledgersData/pvtdataStore/';

/** One transaction's private writes in the private data store. */
export interface TxPvtData {
  readonly tx: number;
  readonly pvt: readonly CollPvtRwSet[];
}

/** The transient store of an endorsing peer: a transaction's private writes until it commits. */
export type TransientStore = (txId: string) => readonly CollPvtRwSet[] | undefined;

/** Installed chaincodes whose indexes the peer deploys when their definition commits. */
const INSTALLED: Readonly<Record<string, typeof CERT_INDEXES>> = { [CHAINCODE]: CERT_INDEXES };

const DATAFORMAT_DOC = 'dataformatVersion';
const DATAFORMAT_VERSION = '2.0';

/**
 * `checkExpectedDataformatVersion` (statecouchdb.go), run when the peer builds its state
 * database provider: an instance that is empty apart from `fabric__internal` gets the
 * current format written; a non-empty one must carry it, or the peer does not start.
 */
export function dataformatError(couch: CouchInstance): string | null {
  const others = couch.allDbs().filter((d) => d !== INTERNAL_DB);
  if (others.length === 0) return null;
  const doc = couch.get(INTERNAL_DB, DATAFORMAT_DOC) as { Version?: string } | undefined;
  const version = doc?.Version ?? '';
  return version === DATAFORMAT_VERSION ? null : `unexpected format. db info = [CouchDB for state database], data format = [${version}], expected format = [${DATAFORMAT_VERSION}]`;
}

/** Go's `%#v` of the recoverables slice (pointer values are the model's, fixed). */
const RECOVERABLES = '[]kvledger.recoverable{(*txmgr.LockBasedTxMgr)(0xc0003e2a80), (*history.DB)(0xc0003b7e60)}';

/** Simulated time a commit takes, by part, as the `Committed block` line reports it. */
export interface CommitTiming {
  readonly validateMs: number;
  readonly stateValidationMs: number;
  readonly blockCommitMs: number;
  readonly stateCommitMs: number;
  /** The rest of the line's total: the history database's commit (kv_ledger.go `commit`). */
  readonly restMs: number;
}

/**
 * A peer's commit cost (ms) for a block of `txCount` transactions: each part is the
 * profile's measured `base + perTx x txCount` (profile.ts; the default profile unless the
 * scenario gives one), the times the real peer's `Validated block` and `Committed block`
 * lines print.
 */
export function commitTiming(txCount: number, cost: CostModel['commit'] = DEFAULT_COST_MODEL.commit): CommitTiming {
  return {
    validateMs: costMs(cost.validate, txCount),
    stateValidationMs: costMs(cost.stateValidation, txCount),
    blockCommitMs: costMs(cost.blockCommit, txCount),
    stateCommitMs: costMs(cost.stateCommit, txCount),
    restMs: costMs(cost.rest, txCount),
  };
}

/** The `Committed block` line's total: its three parts and the history database's commit after them. */
export function committedMs(t: CommitTiming): number {
  return t.stateValidationMs + t.blockCommitMs + t.stateCommitMs + t.restMs;
}

export function totalCommitMs(t: CommitTiming): number {
  return t.validateMs + committedMs(t);
}

/**
 * Blocks a peer's next start replays into its state database (`recommitLostBlocks`): the
 * block store's height above the state savepoint, e.g. every block after rebuild-dbs.
 */
export function blocksToReplay(durable: DurableView): number {
  const blocks = durable.list(BLOCKS_KEY).length;
  if (blocks === 0) return 0;
  const sp = CouchInstance.load(durable).get(METADATA_DB, SAVEPOINT_DOC) as { BlockNum?: number } | undefined;
  const stateHeight = sp?.BlockNum === undefined ? 0 : sp.BlockNum + 1;
  return Math.max(0, blocks - stateHeight);
}

export interface ChainInfo {
  readonly height: number;
  /** Standard base64, as `peer channel getinfo` prints it. */
  readonly currentBlockHash: string;
  readonly previousBlockHash?: string;
}

export type OpenResult = { readonly ledger: KvLedger } | { readonly error: string };

export class KvLedger {
  /**
   * txId -> the number of the block it first appears in (the block index's txID lookup);
   * its place in the block is found again on a lookup (`txLocation`, rare). A block number
   * stays a small integer (a block * slots + index went past V8's small integers after
   * block 1,073 and took a heap number per transaction on every peer).
   */
  private readonly txIndex = new Map<string, number>();
  private readonly nsDbNames = new Map<string, string>();
  private readonly headerHashes: string[] = [];
  private nsDbs: Record<string, { Namespace: string; DBName: string }> = {};
  /** The private data store's blocks (block number -> private writes). */
  private readonly pvtStore = new Map<number, readonly TxPvtData[]>();

  private constructor(
    readonly blocks: StoredBlock[],
    readonly couch: CouchInstance,
  ) {}

  /** `CreateLedger`: a new ledger from the genesis block (joining the channel). */
  static create(genesis: Block, out: Out, cost: CostModel['commit'] = DEFAULT_COST_MODEL.commit): KvLedger {
    out.log('ledgermgmt.creating', [CHANNEL]);
    const couch = new CouchInstance();
    const l = new KvLedger([], couch);
    l.openStateDb(out);
    l.commitValidated(genesis, [0], out);
    const t = commitTiming(1, cost);
    out.log('kvledger.committed', [CHANNEL, 0, 1, committedMs(t), t.stateValidationMs, t.blockCommitMs, t.stateCommitMs, '']);
    out.log('ledgermgmt.created', [CHANNEL]);
    return l;
  }

  /** `OpenLedger` on an existing ledger (peer restart), with index sync and DB recovery. */
  static open(durable: DurableView, out: Out): OpenResult {
    out.log('ledgermgmt.opening', [CHANNEL]);
    const blocks = durable.list<StoredBlock>(BLOCKS_KEY) as StoredBlock[];
    const l = new KvLedger(blocks, CouchInstance.load(durable));
    for (const key of durable.keys()) {
      if (key.startsWith(PVTDATA_PREFIX)) l.pvtStore.set(Number(key.slice(PVTDATA_PREFIX.length)), durable.get<TxPvtData[]>(key) as TxPvtData[]);
    }
    const last = blocks.length - 1;
    const index = durable.get<{ lastBlockIndexed: number }>(INDEX_KEY);
    const from = index === undefined ? 0 : index.lastBlockIndexed + 1;
    if (from <= last) out.log('blkstorage.startIndex', [from, last]);
    for (let i = 0; i <= last; i++) {
      const sb = blocks[i] as StoredBlock;
      l.indexBlock(sb.block);
      if (i >= from && i > 0 && i % 10000 === 0) out.log('blkstorage.indexed', [i]);
    }
    if (from <= last) {
      out.log('blkstorage.finishedIndex', [last]);
      out.persist({ op: 'set', key: INDEX_KEY, value: { lastBlockIndexed: last } });
    }
    l.openStateDb(out);
    const sp = l.couch.get(METADATA_DB, SAVEPOINT_DOC) as { BlockNum?: number } | undefined;
    const stateHeight = sp?.BlockNum === undefined ? 0 : sp.BlockNum + 1;
    if (stateHeight > blocks.length) {
      return {
        error: `the state database [height=${stateHeight}] is ahead of the block store [height=${blocks.length}]. This is possible when the state database is not dropped after a ledger reset/rollback. The state database can safely be dropped and will be rebuilt up to block store height upon the next peer start`,
      };
    }
    if (stateHeight < blocks.length) l.recommitLostBlocks(stateHeight, last, out);
    out.log('ledgermgmt.opened', [CHANNEL]);
    return { ledger: l };
  }

  get height(): number {
    return this.blocks.length;
  }

  /** Hex header hash of block n. */
  blockHash(n: number): string {
    return this.headerHashes[n] ?? '';
  }

  /** `peer channel getinfo`: block store height and hashes (not the state savepoint). */
  info(): ChainInfo {
    const h = this.blocks.length;
    const last = this.blocks[h - 1]?.block;
    if (last === undefined) return { height: 0, currentBlockHash: '' };
    const cur = hexToBase64(this.blockHash(h - 1));
    return last.header.previousHash === '' ? { height: h, currentBlockHash: cur } : { height: h, currentBlockHash: cur, previousBlockHash: hexToBase64(last.header.previousHash) };
  }

  hasTxId(txId: string): boolean {
    return this.txIndex.has(txId);
  }

  /** Where a transaction was committed and its validation code (the block index lookup). */
  txLocation(txId: string): { readonly block: number; readonly code: number } | undefined {
    const block = this.txIndex.get(txId);
    const sb = block === undefined ? undefined : this.blocks[block];
    if (block === undefined || sb === undefined) return undefined;
    // The first transaction of the block with that id (the one indexed, as indexBlock does).
    const envs = txWritesOf(sb.block);
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i];
      if (env !== null && env !== undefined && env.type !== 'CONFIG' && env.txId === txId) return { block, code: sb.flags[i] ?? 0 };
    }
    return { block, code: 0 };
  }

  /** Committed version of a key, or null (no lazy DB creation: used by validation). */
  version(ns: string, key: string): Height | null {
    const doc = this.couch.stored(namespaceDbName(ns), key);
    return doc === undefined ? null : docVersion(doc);
  }

  /** A chaincode's view of committed state; touching a namespace creates its DB (getNamespaceDBHandle). */
  reader(out: Out): StateReader {
    return new LedgerReader(this, out);
  }

  /** A key's committed value and version, for the chaincode (LedgerReader.get). */
  readState(ns: string, key: string, out: Out): { value: string; version: Height } | undefined {
    const doc = this.couch.stored(this.nsDb(ns, out), key);
    if (doc === undefined) return undefined;
    const version = docVersion(doc);
    return version === null ? undefined : { value: docValue(doc), version };
  }

  /** Live values of `ns` whose JSON fields match `selector`, in key order (LedgerReader.query). */
  queryState(ns: string, selector: Readonly<Record<string, string>>, out: Out): { key: string; value: string }[] {
    const db = this.nsDb(ns, out);
    const rows: { key: string; value: string }[] = [];
    for (const doc of this.couch.liveStored(db)) {
      const fields = fieldsOf(doc);
      if (doc._id.startsWith('_design/') || fields === null) continue;
      let match = true;
      for (const [k, v] of Object.entries(selector)) if (fields[k] !== v) match = false;
      if (match) rows.push({ key: doc._id, value: docValue(doc) });
    }
    return rows;
  }

  /**
   * Validate (txvalidator + MVCC) and commit a new block; returns its flags. Private writes
   * of its valid transactions come from the private data store when it already has the
   * block (it is ahead of the block store after reset/rollback: kv_ledger.go CommitLegacy,
   * FetchPvtDataFromLedger), else from the transient store of the endorsing peer.
   */
  commit(block: Block, policy: Policy, orgs: readonly string[], out: Out, transient?: TransientStore): { flags: readonly number[]; valid: number } {
    const res = validateBlock(block, this, policy, orgs, out);
    const num = block.header.number;
    let pvt = this.pvtStore.get(num);
    if (pvt === undefined && transient !== undefined) {
      const fresh: TxPvtData[] = [];
      envelopesOf(block).forEach((env, tx) => {
        const p = env === null || res.flags[tx] !== 0 ? undefined : transient(env.txId);
        if (p !== undefined && p.length > 0) fresh.push({ tx, pvt: p });
      });
      if (fresh.length > 0) {
        pvt = fresh;
        this.pvtStore.set(num, fresh);
        out.persist({ op: 'set', key: `${PVTDATA_PREFIX}${num}`, value: fresh });
      }
    }
    this.commitWith(block, res.flags, res.updates, out, pvtUpdates(num, pvt));
    return { flags: res.flags, valid: res.flags.filter((f) => f === 0).length };
  }

  private commitValidated(block: Block, flags: readonly number[], out: Out): void {
    this.commitWith(block, flags, updatesFromFlags(block, flags), out);
  }

  /** `pvt`: private writes, applied to state but not in the commit hash (which covers the public and hashed updates). */
  private commitWith(block: Block, flags: readonly number[], updates: readonly StateUpdate[], out: Out, pvt: readonly StateUpdate[] = []): void {
    const num = block.header.number;
    const prevCommit = this.blocks[num - 1]?.commitHash ?? '';
    let commitHash = '';
    if (num > 0) {
      // Every peer that commits the same block (one data array) after the same commit hash
      // with the same flags gets the same hash: the first one's hash and flags are shared.
      const known = commitHashes.get(block.data);
      if (known !== undefined && known.prev === prevCommit && sameFlags(known.flags, flags)) {
        commitHash = known.hash;
        flags = known.flags;
      } else {
        commitHash = computeCommitHash(prevCommit, flags, updates);
        commitHashes.set(block.data, { prev: prevCommit, flags, hash: commitHash });
      }
    }
    const stored: StoredBlock = { block, flags, commitHash };
    this.blocks.push(stored);
    out.persist({ op: 'append', key: BLOCKS_KEY, value: stored });
    out.persist({ op: 'set', key: INDEX_KEY, value: { lastBlockIndexed: num } });
    this.indexBlock(block);
    this.applyState(num, block.data.length, pvt.length === 0 ? updates : [...updates, ...pvt], out);
  }

  private indexBlock(block: Block): void {
    this.headerHashes[block.header.number] = blockHeaderHash(block.header);
    const num = block.header.number;
    for (const env of txWritesOf(block)) {
      if (env !== null && env.type !== 'CONFIG' && !this.txIndex.has(env.txId)) this.txIndex.set(env.txId, num);
    }
  }

  /** Apply valid writes, run the lifecycle listener, write the savepoint. */
  private applyState(num: number, txCount: number, updates: readonly StateUpdate[], out: Out): void {
    let deployed: string[] | undefined;
    for (const u of updates) {
      this.couch.putState(this.nsDb(u.ns, out), u.write, u.version, out);
      if (u.ns === LIFECYCLE_NS && u.write.value !== null) {
        for (const cc of Object.keys(INSTALLED)) if (u.write.key === definitionKeys(cc).metadata) (deployed ??= []).push(cc);
      }
    }
    for (const cc of deployed ?? []) this.processIndexes(cc, out);
    this.couch.putDoc(METADATA_DB, SAVEPOINT_DOC, { BlockNum: num, TxNum: Math.max(0, txCount - 1) }, out);
    this.couch.flushInfo(out);
  }

  /** `ProcessIndexesForChaincodeDeploy`: one `_design/<ddoc>` per index of the package. */
  private processIndexes(cc: string, out: Out): void {
    const db = this.nsDb(cc, out);
    for (const idx of INSTALLED[cc] ?? []) {
      const id = `_design/${idx.ddoc}`;
      if (this.couch.get(db, id) === undefined) this.couch.putDoc(db, id, indexDesignDoc(idx), out);
    }
  }

  /** The namespace's DB handle: created and registered in channel_metadata on first use. */
  private nsDb(ns: string, out: Out): string {
    const known = this.nsDbNames.get(ns);
    if (known !== undefined) return known;
    const name = namespaceDbName(ns);
    if (!this.couch.exists(name)) this.couch.createDatabaseIfNotExist(name, out);
    if (this.nsDbs[ns] === undefined) {
      this.nsDbs = { ...this.nsDbs, [ns]: { Namespace: ns, DBName: name } };
      this.couch.putDoc(METADATA_DB, CHANNEL_METADATA_DOC, { ChannelName: CHANNEL, NamespaceDBsInfo: this.nsDbs }, out);
      this.couch.flushInfo(out);
    }
    this.nsDbNames.set(ns, name);
    return name;
  }

  private openStateDb(out: Out): void {
    if (this.couch.get(INTERNAL_DB, DATAFORMAT_DOC) === undefined) {
      this.couch.createDatabaseIfNotExist(INTERNAL_DB, out);
      this.couch.putDoc(INTERNAL_DB, DATAFORMAT_DOC, { Version: DATAFORMAT_VERSION }, out);
    }
    this.couch.createDatabaseIfNotExist(METADATA_DB, out);
    const meta = this.couch.get(METADATA_DB, CHANNEL_METADATA_DOC) as { NamespaceDBsInfo?: Record<string, { Namespace: string; DBName: string }> } | undefined;
    if (meta === undefined) {
      this.couch.putDoc(METADATA_DB, CHANNEL_METADATA_DOC, { ChannelName: CHANNEL, NamespaceDBsInfo: {} }, out);
    } else {
      this.nsDbs = { ...(meta.NamespaceDBsInfo ?? {}) };
    }
    this.couch.flushInfo(out);
  }

  /** `recommitLostBlocks`: replay blocks first..last into state with their stored flags. */
  private recommitLostBlocks(first: number, last: number, out: Out): void {
    out.log('kvledger.recommitting', [first, last, RECOVERABLES]);
    for (let n = first; n <= last; n++) {
      const sb = this.blocks[n] as StoredBlock;
      if (n % 1000 === 0) {
        out.log('lockbasedtxmgr.recommitBlock', [n]);
        out.log('history.recommitBlock', [n]);
      }
      // GetPvtDataAndBlockByNum: the block with its private data from the private data store.
      const updates = updatesFromFlags(sb.block, sb.flags);
      const pvt = this.pvtStore.get(n);
      this.applyState(n, sb.block.data.length, pvt === undefined ? updates : [...updates, ...pvtUpdates(n, pvt)], out);
    }
    out.log('kvledger.recommitted', [first, last, RECOVERABLES]);
  }
}

/** Private writes as state updates of `<ns>$$p<coll>` at (block, tx). */
function pvtUpdates(block: number, pvt: readonly TxPvtData[] | undefined): StateUpdate[] {
  const out: StateUpdate[] = [];
  for (const t of pvt ?? []) for (const c of t.pvt) for (const w of c.writes) out.push({ ns: pvtDataNs(c.ns, c.coll), write: w, version: { block, tx: t.tx } });
  return out;
}

/**
 * The commit hash a block's data got after a previous commit hash with these flags, per
 * (immutable, shared) data array: the hash covers the previous hash, the flags and the
 * block's valid public and hashed writes, which the data and the flags determine, so a
 * peer committing the same block after the same hash with the same flags reuses the
 * first peer's hash string and flags array (one of each per block for the whole channel,
 * where every peer hashed its own copy).
 */
const commitHashes = new WeakMap<readonly string[], { readonly prev: string; readonly flags: readonly number[]; readonly hash: string }>();

function sameFlags(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * kv_ledger.go `addBlockCommitHash`: SHA-256 over the previous commit hash, the flags and the
 * valid updates, each `<ns>\0<key>\0<value>\0`. The updates go in as one text (one call
 * where each was one): each part ends with a NUL, so no surrogate pair spans two parts and
 * the text's UTF-8 bytes are the parts' bytes one after the other.
 */
function computeCommitHash(prev: string, flags: readonly number[], updates: readonly StateUpdate[]): string {
  const h = createHash('sha256').update(prev).update(Buffer.from(flags));
  let text = '';
  for (const u of updates) text += `${u.ns}\u0000${u.write.key}\u0000${u.write.value ?? ''}\u0000`;
  if (text !== '') h.update(text);
  return h.digest('hex');
}

/**
 * The StateReader of one endorsement: a class, where an object of two arrow functions was
 * built per endorsement (run under tsx, with keepNames, each also named by a
 * defineProperty: 1.1% of the e2e bench's CPU).
 */
class LedgerReader implements StateReader {
  constructor(
    private readonly ledger: KvLedger,
    private readonly out: Out,
  ) {}

  get(ns: string, key: string): { value: string; version: Height } | undefined {
    return this.ledger.readState(ns, key, this.out);
  }

  query(ns: string, selector: Readonly<Record<string, string>>): { key: string; value: string }[] {
    return this.ledger.queryState(ns, selector, this.out);
  }
}
