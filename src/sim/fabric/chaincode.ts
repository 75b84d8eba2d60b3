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
import { DEFAULT_EPOCH_MS } from '../logs/format.ts';
import { CHAINCODE } from '../../shared/names.ts';
import type { Height, KVRead, KVWrite, NsRwSet } from './block.ts';

export { CHAINCODE, CHAINCODE_VERSION } from '../../shared/names.ts';
export const LIFECYCLE_NS = '_lifecycle';

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
  readonly message: string;
  readonly rwset: readonly NsRwSet[];
}

/** A stub recording reads and writes for one namespace. */
class Stub {
  readonly reads = new Map<string, KVRead>();
  readonly writes = new Map<string, KVWrite>();
  constructor(
    readonly ns: string,
    private readonly state: StateReader,
  ) {}

  getState(key: string): string | undefined {
    const w = this.writes.get(key);
    if (w !== undefined) return w.value ?? undefined;
    const cur = this.state.get(this.ns, key);
    if (!this.reads.has(key)) this.reads.set(key, { key, version: cur?.version ?? null });
    return cur?.value;
  }

  putState(key: string, value: string): void {
    this.writes.set(key, { key, value });
  }

  rwset(): NsRwSet[] {
    if (this.reads.size === 0 && this.writes.size === 0) return [];
    return [{ ns: this.ns, reads: [...this.reads.values()], writes: [...this.writes.values()] }];
  }
}

const ok = (stub: Stub, payload: unknown): ChaincodeResult => ({ status: 200, payload: JSON.stringify(payload), message: '', rwset: stub.rwset() });
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
      stub.putState(certID, JSON.stringify(rec));
      return ok(stub, rec);
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
      stub.putState(cert.certID, JSON.stringify(rec));
      return ok(stub, rec);
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
  return {
    metadata: `namespaces/metadata/${name}`,
    fields: ['Sequence', 'EndorsementInfo', 'ValidationInfo', 'Collections'].map((f) => `namespaces/fields/${name}/${f}`),
  };
}

function simulateLifecycle(inv: Invocation, state: StateReader): ChaincodeResult {
  if (inv.fn !== 'CommitChaincodeDefinition') return fail(`_lifecycle: function ${inv.fn} is not modelled`);
  const [name, version, sequence, policy] = inv.args as [string?, string?, string?, string?];
  if (name === undefined || version === undefined || sequence === undefined) return fail('CommitChaincodeDefinition: expected name, version, sequence[, policy]');
  const stub = new Stub(LIFECYCLE_NS, state);
  const keys = definitionKeys(name);
  const seqKey = keys.fields[0] as string;
  const cur = stub.getState(seqKey);
  const curSeq = cur === undefined ? 0 : (JSON.parse(cur) as { Int64: number }).Int64;
  if (Number(sequence) !== curSeq + 1) return fail(`requested sequence is ${sequence}, but new definition must be sequence ${curSeq + 1}`);
  stub.putState(keys.metadata, JSON.stringify({ Datatype: 'ChaincodeDefinition', Fields: ['EndorsementInfo', 'ValidationInfo', 'Collections', 'Sequence'] }));
  stub.putState(seqKey, JSON.stringify({ Int64: Number(sequence) }));
  stub.putState(keys.fields[1] as string, JSON.stringify({ Version: version, InitRequired: false, EndorsementPlugin: 'escc' }));
  stub.putState(keys.fields[2] as string, JSON.stringify({ ValidationPlugin: 'vscc', ValidationParameter: policy ?? '/Channel/Application/Endorsement' }));
  stub.putState(keys.fields[3] as string, JSON.stringify({ Config: [] }));
  return ok(stub, { name, version, sequence: Number(sequence) });
}
