/**
 * The `certcontract` chaincode (CertChain's certificate contract) and the slice of the
 * `_lifecycle` system chaincode that defines it, simulated as Fabric's endorser does:
 * against committed state, recording a read set (key, version) and a write set, changing
 * nothing (core/endorser, core/chaincode/shim semantics).
 *
 * certcontract functions:
 *   IssueCertificate(certID, studentID, studentName, courseID, courseName, issueDate, expiryDate)
 *   GetCertificate(certID)            the stored record
 *   VerifyCertificate(certID)         { certID, status: VALID | NOT_FOUND | REVOKED | EXPIRED, certificate? }
 *                                     as of the proposal's date (the simulated clock, epoch 2026-03-14)
 *   RevokeCertificate(certID)
 *   QueryCertificatesByStudent(studentID)   rich query served by the `indexStudentDoc` index
 *
 * The chaincode package carries one CouchDB index (META-INF/statedb/couchdb/indexes), which
 * the peer turns into a `_design/indexStudentDoc` document when the definition commits.
 */
import type { Certificate } from '../../shared/certificate.ts';
import { DEFAULT_EPOCH_MS } from '../../shared/log-format.ts';
import { CHAINCODE } from '../../shared/names.ts';
import { hashedDataNs, hashedStateKey, implicitCollection, sha256Hex, type CollPvtRwSet, type Height, type KVRead, type KVWrite, type NsRwSet } from './block.ts';

export { CHAINCODE, CHAINCODE_VERSION } from '../../shared/names.ts';
export const LIFECYCLE_NS = '_lifecycle';
/** `peer lifecycle chaincode approveformyorg` invokes this `_lifecycle` function. */
export const APPROVE_FN = 'ApproveChaincodeDefinitionForMyOrg';
/** `peer lifecycle chaincode commit` invokes this one. */
export const COMMIT_FN = 'CommitChaincodeDefinition';

/** `META-INF/statedb/couchdb/indexes/indexStudent.json` of the package. */
export const CERT_INDEXES: readonly { readonly ddoc: string; readonly name: string; readonly fields: readonly string[] }[] = [
  { ddoc: 'indexStudentDoc', name: 'indexStudent', fields: ['docType', 'studentID'] },
];

/** The design document CouchDB stores for a Mango index definition. */
export function indexDesignDoc(index: (typeof CERT_INDEXES)[number]): Record<string, unknown> {
  const fields: Record<string, string> = {};
  for (const f of index.fields) fields[f] = 'asc';
  return {
    language: 'query',
    views: { [index.name]: { map: { fields, partial_filter_selector: {} }, reduce: '_count', options: { def: { fields: [...index.fields] } } } },
  };
}

/** What `IssueCertificate` takes: the body of `POST /api/v1/certificates`, the port's `Certificate`. */
export type CertificateInput = Certificate;

/** A certificate as the chaincode stores it in world state. */
export interface CertificateRecord extends CertificateInput {
  readonly docType: 'certificate';
  /** MSP of the issuing org. */
  readonly issuer: string;
  readonly revoked: boolean;
  readonly revokedDate?: string;
}

/** What the chaincode reads: committed state of a namespace. */
export interface StateReader {
  get(ns: string, key: string): { readonly value: string; readonly version: Height } | undefined;
  /** Values of live keys of `ns` whose JSON matches every field of `selector`, in key order. */
  query(ns: string, selector: Readonly<Record<string, string>>): readonly { readonly key: string; readonly value: string }[];
}

export interface ChaincodeResult {
  /** 200 success, 500 chaincode error. */
  readonly status: 200 | 500;
  readonly payload: string;
  /**
   * The payload's JSON value when the chaincode built the payload from it (JSON.parse of
   * the payload equals it, members in order): its readers take it instead of parsing the
   * text again. Absent for a payload the chaincode did not build (a stored value as read).
   */
  readonly result?: unknown;
  readonly message: string;
  readonly rwset: readonly NsRwSet[];
  /** Private writes (implicit collections): kept by the endorsing peer, never in the block. */
  readonly pvt?: readonly CollPvtRwSet[];
}

/**
 * A stub recording reads and writes for one namespace: each key's first read, in the order
 * read, and its last write, in the order first written (a chaincode touches a few keys, so
 * two short lists, where two Maps were built for every endorsement on every peer).
 */
class Stub {
  readonly reads: KVRead[] = [];
  readonly writes: KVWrite[] = [];
  constructor(
    readonly ns: string,
    private readonly state: StateReader,
  ) {}

  getState(key: string): string | undefined {
    const w = this.writes.find((x) => x.key === key);
    if (w !== undefined) return w.value ?? undefined;
    const cur = this.state.get(this.ns, key);
    if (!this.reads.some((r) => r.key === key)) this.reads.push({ key, version: cur?.version ?? null });
    return cur?.value;
  }

  putState(key: string, value: string): void {
    const i = this.writes.findIndex((x) => x.key === key);
    if (i < 0) this.writes.push({ key, value });
    else this.writes[i] = { key, value };
  }

  /**
   * The namespace's read-write set, its lists copied to their length: the ordered
   * transaction's envelope is the gateway peer's set itself (block.ts serializeEnvelope), and
   * its writes stay with the block for the run, where a list grown by push keeps room for 16.
   */
  rwset(): NsRwSet[] {
    if (this.reads.length === 0 && this.writes.length === 0) return [];
    return [{ ns: this.ns, reads: this.reads.slice(), writes: this.writes.slice() }];
  }
}

const ok = (stub: Stub, payload: unknown): ChaincodeResult => ({ status: 200, payload: JSON.stringify(payload), result: payload, message: '', rwset: stub.rwset() });
/** Write `rec` at `key` and return it: the value and the payload are one JSON text (stringified once). */
function written(stub: Stub, key: string, rec: CertificateRecord): ChaincodeResult {
  const text = JSON.stringify(rec);
  stub.putState(key, text);
  return { status: 200, payload: text, result: rec, message: '', rwset: stub.rwset() };
}
const fail = (message: string): ChaincodeResult => ({ status: 500, payload: '', message, rwset: [] });

/** `YYYY-MM-DD` of a simulated time, on the lab's calendar (epoch 2026-03-14). */
export function simulatedDate(nowMs: number, epochMs = DEFAULT_EPOCH_MS): string {
  const d = new Date(epochMs + nowMs);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function checkDate(name: string, v: string | undefined): string | null {
  if (v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `invalid ${name} "${v ?? ''}": expected YYYY-MM-DD`;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(5, 7));
  const d = Number(v.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return `invalid ${name} "${v}": no such date`;
  return null;
}

export type VerifyStatus = 'VALID' | 'NOT_FOUND' | 'REVOKED' | 'EXPIRED';

export function verifyStatus(cert: CertificateRecord | undefined, today: string): VerifyStatus {
  if (cert === undefined) return 'NOT_FOUND';
  if (cert.revoked) return 'REVOKED';
  if (cert.expiryDate < today) return 'EXPIRED';
  return 'VALID';
}

export interface Invocation {
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  /** The submitting org's MSP id. */
  readonly creatorMsp: string;
  /** Simulated ms of the proposal. */
  readonly timestampMs: number;
}

/** Simulate one invocation against committed state. */
export function simulate(inv: Invocation, state: StateReader): ChaincodeResult {
  if (inv.chaincode === LIFECYCLE_NS) return simulateLifecycle(inv, state);
  if (inv.chaincode !== CHAINCODE) return fail(`chaincode ${inv.chaincode} not found`);
  const stub = new Stub(CHAINCODE, state);
  const a = inv.args;
  switch (inv.fn) {
    case 'IssueCertificate': {
      if (a.length !== 7) return fail(`IssueCertificate: expected 7 arguments (certID, studentID, studentName, courseID, courseName, issueDate, expiryDate), got ${a.length}`);
      const [certID, studentID, studentName, courseID, courseName, issueDate, expiryDate] = a as [string, string, string, string, string, string, string];
      if (certID.trim() === '') return fail('IssueCertificate: certID must not be empty');
      const bad = checkDate('issueDate', issueDate) ?? checkDate('expiryDate', expiryDate);
      if (bad !== null) return fail(bad);
      if (expiryDate < issueDate) return fail(`expiryDate ${expiryDate} is before issueDate ${issueDate}`);
      if (stub.getState(certID) !== undefined) return fail(`the certificate ${certID} already exists`);
      const rec: CertificateRecord = { docType: 'certificate', certID, studentID, studentName, courseID, courseName, issueDate, expiryDate, issuer: inv.creatorMsp, revoked: false };
      return written(stub, certID, rec);
    }
    case 'GetCertificate': {
      const v = stub.getState(a[0] ?? '');
      if (v === undefined) return fail(`the certificate ${a[0] ?? ''} does not exist`);
      return { status: 200, payload: v, message: '', rwset: stub.rwset() };
    }
    case 'VerifyCertificate': {
      const v = stub.getState(a[0] ?? '');
      const cert = v === undefined ? undefined : (JSON.parse(v) as CertificateRecord);
      const status = verifyStatus(cert, simulatedDate(inv.timestampMs));
      return ok(stub, cert === undefined ? { certID: a[0] ?? '', status } : { certID: cert.certID, status, certificate: cert });
    }
    case 'RevokeCertificate': {
      const v = stub.getState(a[0] ?? '');
      if (v === undefined) return fail(`the certificate ${a[0] ?? ''} does not exist`);
      const cert = JSON.parse(v) as CertificateRecord;
      if (cert.revoked) return fail(`the certificate ${cert.certID} is already revoked`);
      const rec: CertificateRecord = { ...cert, revoked: true, revokedDate: simulatedDate(inv.timestampMs) };
      return written(stub, cert.certID, rec);
    }
    case 'QueryCertificatesByStudent': {
      const rows = state.query(CHAINCODE, { docType: 'certificate', studentID: a[0] ?? '' });
      return ok(stub, rows.map((r) => JSON.parse(r.value) as CertificateRecord));
    }
    default:
      return fail(`Function ${inv.fn} not found in contract certcontract`);
  }
}

/** Keys `_lifecycle` writes for a committed definition (lifecycle/lifecycle.go). */
export function definitionKeys(name: string): { metadata: string; fields: readonly string[] } {
  let keys = definitionKeysOf.get(name);
  if (keys === undefined) {
    keys = buildDefinitionKeys(name);
    if (definitionKeysOf.size < 64) definitionKeysOf.set(name, keys);
  }
  return keys;
}

/** definitionKeys per chaincode name, built once (every endorsement asks for its chaincode's). */
const definitionKeysOf = new Map<string, { readonly metadata: string; readonly fields: readonly string[] }>();

function buildDefinitionKeys(name: string): { metadata: string; fields: readonly string[] } {
  return {
    metadata: `namespaces/metadata/${name}`,
    fields: ['Sequence', 'EndorsementInfo', 'ValidationInfo', 'Collections'].map((f) => `namespaces/fields/${name}/${f}`),
  };
}

/**
 * The private keys an approval writes to the org's implicit collection
 * (lifecycle.go ApproveChaincodeDefinitionForOrg: Serializer.Serialize of the definition's
 * parameters under `<name>#<sequence>`, then of the local package under `chaincode-sources`).
 */
export function approvalKeys(name: string, sequence: number): { metadata: string; fields: readonly string[]; sourceMetadata: string; sourceFields: readonly string[] } {
  const priv = `${name}#${sequence}`;
  return {
    metadata: `namespaces/metadata/${priv}`,
    fields: ['EndorsementInfo', 'ValidationInfo', 'Collections'].map((f) => `namespaces/fields/${priv}/${f}`),
    sourceMetadata: `chaincode-sources/metadata/${priv}`,
    sourceFields: [`chaincode-sources/fields/${priv}/PackageID`],
  };
}

/** The `<label>:<hash>` package id `peer lifecycle chaincode install` prints (the model's hash of the label). */
export function packageId(name: string, version: string): string {
  const label = `${name}_${version}`;
  return `${label}:${sha256Hex(`package:${label}`)}`;
}

/** The serialized parameters of a definition, as approval and commit write them (the model's JSON for Fabric's protobuf). */
function definitionValues(version: string, policy: string): { metadata: string; endorsement: string; validation: string; collections: string } {
  return {
    metadata: JSON.stringify({ Datatype: 'ChaincodeParameters', Fields: ['EndorsementInfo', 'ValidationInfo', 'Collections'] }),
    endorsement: JSON.stringify({ Version: version, InitRequired: false, EndorsementPlugin: 'escc' }),
    validation: JSON.stringify({ ValidationPlugin: 'vscc', ValidationParameter: policy }),
    collections: JSON.stringify({ Config: [] }),
  };
}

function currentSequence(stub: Stub, name: string): number {
  const cur = stub.getState(definitionKeys(name).fields[0] as string);
  return cur === undefined ? 0 : (JSON.parse(cur) as { Int64: number }).Int64;
}

function simulateLifecycle(inv: Invocation, state: StateReader): ChaincodeResult {
  if (inv.fn === APPROVE_FN) return simulateApprove(inv, state);
  if (inv.fn !== COMMIT_FN) return fail(`_lifecycle: function ${inv.fn} is not modelled`);
  const [name, version, sequence, policy] = inv.args as [string?, string?, string?, string?];
  if (name === undefined || version === undefined || sequence === undefined) return fail('CommitChaincodeDefinition: expected name, version, sequence[, policy]');
  const stub = new Stub(LIFECYCLE_NS, state);
  const keys = definitionKeys(name);
  const seqKey = keys.fields[0] as string;
  const curSeq = currentSequence(stub, name);
  if (Number(sequence) !== curSeq + 1) return fail(`requested sequence is ${sequence}, but new definition must be sequence ${curSeq + 1}`);
  // scc.go CommitChaincodeDefinition: QueryApprovalStatus compares the hash of each org's
  // approval (its implicit collection's `$$h`), and the committing org must have approved.
  const p = policy ?? '/Channel/Application/Endorsement';
  const want = sha256Hex(definitionValues(version, p).metadata);
  const hashed = state.get(hashedDataNs(LIFECYCLE_NS, implicitCollection(inv.creatorMsp)), hashedStateKey(sha256Hex(approvalKeys(name, Number(sequence)).metadata)));
  if (hashed?.value !== want) return fail(`chaincode definition not agreed to by this org (${inv.creatorMsp})`);
  stub.putState(keys.metadata, JSON.stringify({ Datatype: 'ChaincodeDefinition', Fields: ['EndorsementInfo', 'ValidationInfo', 'Collections', 'Sequence'] }));
  stub.putState(seqKey, JSON.stringify({ Int64: Number(sequence) }));
  const v = definitionValues(version, p);
  stub.putState(keys.fields[1] as string, v.endorsement);
  stub.putState(keys.fields[2] as string, v.validation);
  stub.putState(keys.fields[3] as string, v.collections);
  return ok(stub, { name, version, sequence: Number(sequence) });
}

/**
 * `ApproveChaincodeDefinitionForMyOrg` (lifecycle.go ApproveChaincodeDefinitionForOrg): the
 * requested sequence must be the next one (or the current one, unchanged); the definition's
 * parameters and the package id go to the org's implicit collection `_implicit_org_<MSP>`.
 * The block carries only their hashes (every peer's `_lifecycle$$h_implicit_org_<MSP>`);
 * the values stay with the org's own peer (`_lifecycle$$p_implicit_org_<MSP>` and its
 * private data store).
 */
function simulateApprove(inv: Invocation, state: StateReader): ChaincodeResult {
  const [name, version, sequence, policy] = inv.args as [string?, string?, string?, string?];
  if (name === undefined || version === undefined || sequence === undefined) return fail(`${APPROVE_FN}: expected name, version, sequence[, policy]`);
  const stub = new Stub(LIFECYCLE_NS, state);
  const seq = Number(sequence);
  const curSeq = currentSequence(stub, name);
  if (seq === 0 && curSeq === 0) return fail('requested sequence is 0, but first definable sequence number is 1');
  if (seq < curSeq) return fail(`currently defined sequence ${curSeq} is larger than requested sequence ${seq}`);
  if (seq > curSeq + 1) return fail(`requested sequence ${seq} is larger than the next available sequence number ${curSeq + 1}`);
  const coll = implicitCollection(inv.creatorMsp);
  const keys = approvalKeys(name, seq);
  const v = definitionValues(version, policy ?? '/Channel/Application/Endorsement');
  const writes: KVWrite[] = [
    { key: keys.fields[0] as string, value: v.endorsement },
    { key: keys.fields[1] as string, value: v.validation },
    { key: keys.fields[2] as string, value: v.collections },
    { key: keys.metadata, value: v.metadata },
    { key: keys.sourceFields[0] as string, value: JSON.stringify({ String: packageId(name, version) }) },
    { key: keys.sourceMetadata, value: JSON.stringify({ Datatype: 'ChaincodeLocalPackage', Fields: ['PackageID'] }) },
  ];
  const hashedWrites = writes.map((w) => ({ keyHash: sha256Hex(w.key), valueHash: w.value === null ? null : sha256Hex(w.value) }));
  const rwset: NsRwSet[] = [{ ns: LIFECYCLE_NS, reads: [...stub.reads], writes: [], collHashed: [{ coll, hashedWrites }] }];
  return { status: 200, payload: JSON.stringify({ name, version, sequence: seq }), message: '', rwset, pvt: [{ ns: LIFECYCLE_NS, coll, writes }] };
}
