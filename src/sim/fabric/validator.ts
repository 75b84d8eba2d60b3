/**
 * Commit-time validation of a block, in Fabric's order:
 *   1. committer.txvalidator (core/committer/txvalidator/v20/validator.go): per tx, a txid
 *      already in the ledger -> DUPLICATE_TXID (9); endorsement policy (VSCC) ->
 *      ENDORSEMENT_POLICY_FAILURE (10); then, among the txs still VALID, a later copy of a
 *      txid in the same block -> DUPLICATE_TXID (9);
 *   2. state validation (core/ledger/kvledger/txmgmt/validation/validator.go), serially in
 *      tx order: a read is invalid if an earlier valid tx in the same block wrote the key,
 *      or if the committed version differs from the read version -> MVCC_READ_CONFLICT (11).
 * Invalid txs stay in the block with their code; valid writes are applied at
 * Height(block, txIndex). During recovery (`recommitLostBlocks`) the stored flags are reused
 * and MVCC is not re-checked (`doMVCCValidation=false`).
 */
import { envelopesOf, hashedDataNs, hashedStateKey, txWritesOf, TxValidationCode, validationCodeName, type Block, type Envelope, type Height, type KVWrite, type NsRwSet } from './block.ts';
import { APPROVE_FN, LIFECYCLE_NS } from './chaincode.ts';
import type { Out } from './effects.ts';
import { evaluatePolicy, policyMet, type Policy } from './policy.ts';

/** One write that reaches state. */
export interface StateUpdate {
  readonly ns: string;
  readonly write: KVWrite;
  readonly version: Height;
}

export interface CommittedStateView {
  hasTxId(txId: string): boolean;
  version(ns: string, key: string): Height | null;
}

export interface ValidationResult {
  readonly flags: number[];
  readonly updates: StateUpdate[];
  readonly envelopes: readonly (Envelope | null)[];
}

function sameVersion(a: Height | null, b: Height | null): boolean {
  if (a === null || b === null) return a === b;
  return a.block === b.block && a.tx === b.tx;
}

/** Validate a new block and collect its valid writes. */
export function validateBlock(block: Block, view: CommittedStateView, policy: Policy, orgs: readonly string[], out: Out): ValidationResult {
  const num = block.header.number;
  const envs = envelopesOf(block);
  const flags: number[] = new Array<number>(envs.length).fill(TxValidationCode.VALID);
  // Step 1: txvalidator (v20/validator.go Validate): each tx on its own (validateTx: the
  // ledger's txid index, then the endorsement policy), then markTXIdDuplicates over the
  // txs found VALID only: a copy after an invalid first one is judged on its own.
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i];
    if (env === null || env === undefined) {
      flags[i] = TxValidationCode.BAD_PAYLOAD;
      continue;
    }
    if (env.type === 'CONFIG') continue;
    if (view.hasTxId(env.txId)) {
      flags[i] = TxValidationCode.DUPLICATE_TXID;
      out.log('txvalidator.duplicate', [env.txId]);
      continue;
    }
    // An approval writes only to its org's implicit collection, whose endorsement policy is
    // that org's own (lifecycle: implicit collections are endorsed by their org's peers).
    const approval = isApproval(env);
    if (approval ? !env.endorsements.some((e) => e.org === env.creator) : !policyMet(policy, env.endorsements, orgs)) {
      flags[i] = TxValidationCode.ENDORSEMENT_POLICY_FAILURE;
      const error = approval ? `approval of ${env.creator} not endorsed by its own org` : (evaluatePolicy(policy, env.endorsements, orgs).error ?? '');
      // The error of statebased/v20.go (policyErr) as validateTx logs Dispatch's error.
      out.log('txvalidator.dispatchFailed', [env.txId, `validation of endorsement policy for chaincode ${env.chaincode} in tx ${num}:${i} failed: ${error}`]);
    }
  }
  const seen = new Set<string>();
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i];
    if (env === null || env === undefined || env.type === 'CONFIG' || flags[i] !== TxValidationCode.VALID) continue;
    if (seen.has(env.txId)) {
      flags[i] = TxValidationCode.DUPLICATE_TXID;
      out.log('txvalidator.duplicateInBlock', [env.txId]);
    } else seen.add(env.txId);
  }
  // Step 2: MVCC, serially in tx order. The keys earlier valid transactions of the block
  // wrote, by namespace (no "<ns>\0<key>" text built per read and per write).
  const written = new Map<string, Set<string>>();
  const updates: StateUpdate[] = [];
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i];
    if (env === null || env === undefined || flags[i] !== TxValidationCode.VALID || env.type === 'CONFIG') continue;
    let conflict = false;
    for (const ns of env.rwset) {
      const wrote = written.get(ns.ns);
      for (const r of ns.reads) {
        const committed = wrote !== undefined && wrote.has(r.key) ? undefined : view.version(ns.ns, r.key);
        if (committed === undefined || !sameVersion(committed, r.version)) {
          conflict = true;
          break;
        }
      }
      if (conflict) break;
    }
    if (conflict) {
      flags[i] = TxValidationCode.MVCC_READ_CONFLICT;
      out.log('validation.invalidTx', [num, i, env.txId, validationCodeName(TxValidationCode.MVCC_READ_CONFLICT)]);
      continue;
    }
    const from = updates.length;
    pushTxUpdates(env.rwset, { block: num, tx: i }, updates);
    for (let k = from; k < updates.length; k++) {
      const u = updates[k] as StateUpdate;
      let keys = written.get(u.ns);
      if (keys === undefined) written.set(u.ns, (keys = new Set()));
      keys.add(u.write.key);
    }
  }
  return { flags, updates, envelopes: envs };
}

/** The valid writes of an already validated block (recovery replay: flags reused, no MVCC). */
export function updatesFromFlags(block: Block, flags: readonly number[]): StateUpdate[] {
  const envs = txWritesOf(block);
  const num = block.header.number;
  const updates: StateUpdate[] = [];
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i];
    if (env === null || env === undefined || flags[i] !== TxValidationCode.VALID || env.type === 'CONFIG') continue;
    pushTxUpdates(env.rwset, { block: num, tx: i }, updates);
  }
  return updates;
}

/** `_lifecycle`'s ApproveChaincodeDefinitionForMyOrg. */
function isApproval(env: Envelope): boolean {
  return env.chaincode === LIFECYCLE_NS && env.fn === APPROVE_FN;
}

/**
 * The state updates of a valid transaction's public and hashed writes: each namespace's
 * writes, then each collection's hashes into `<ns>$$h<coll>` under the base64 key hash
 * with the value hash (hex) as the value (privacyenabledstate/db.go addHashedUpdates; Fabric
 * stores the 32 hash bytes). Private values are not in the block (kvledger.ts applies them).
 * Appended to `out`, the block's list (no list per transaction).
 */
function pushTxUpdates(rwset: readonly NsRwSet[], version: Height, out: StateUpdate[]): void {
  for (const ns of rwset) for (const w of ns.writes) out.push({ ns: ns.ns, write: w, version });
  for (const ns of rwset) {
    for (const c of ns.collHashed ?? []) {
      const hns = hashedDataNs(ns.ns, c.coll);
      for (const h of c.hashedWrites) out.push({ ns: hns, write: { key: hashedStateKey(h.keyHash), value: h.valueHash }, version });
    }
  }
}
