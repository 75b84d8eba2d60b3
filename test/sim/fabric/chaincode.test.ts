/** The certcontract chaincode against committed state. */
import { describe, expect, it } from 'vitest';
import { simulate, simulatedDate, type StateReader } from '../../../src/sim/fabric/chaincode.ts';

function state(values: Record<string, unknown>): StateReader {
  return {
    get: (_ns, key) => (key in values ? { value: JSON.stringify(values[key]), version: { block: 1, tx: 0 } } : undefined),
    query: (_ns, sel) =>
      Object.entries(values)
        .filter(([, v]) => Object.entries(sel).every(([k, x]) => (v as Record<string, unknown>)[k] === x))
        .map(([key, v]) => ({ key, value: JSON.stringify(v) })),
  };
}
const inv = (fn: string, args: string[], timestampMs = 0) => ({ chaincode: 'certcontract', fn, args, creatorMsp: 'TechpulseMSP', timestampMs });
const rec = { docType: 'certificate', certID: 'X1', studentID: 's1', studentName: 'n', courseID: 'c', courseName: 'cn', issueDate: '2026-01-01', expiryDate: '2026-12-31', issuer: 'TechpulseMSP', revoked: false };

describe('certcontract', () => {
  it('IssueCertificate reads the key (version nil) and writes the record; a duplicate ID or a malformed date is refused', () => {
    const ok = simulate(inv('IssueCertificate', ['N1', 's', 'n', 'c', 'cn', '2026-03-14', '2027-03-14']), state({}));
    expect(ok.status).toBe(200);
    expect(ok.rwset).toEqual([{ ns: 'certcontract', reads: [{ key: 'N1', version: null }], writes: [{ key: 'N1', value: expect.stringContaining('"certID":"N1"') }] }]);
    expect(simulate(inv('IssueCertificate', ['X1', 's', 'n', 'c', 'cn', '2026-03-14', '2027-03-14']), state({ X1: rec })).message).toBe('the certificate X1 already exists');
    expect(simulate(inv('IssueCertificate', ['N2', 's', 'n', 'c', 'cn', '2026-02-30', '2027-03-14']), state({})).message).toBe('invalid issueDate "2026-02-30": no such date');
    expect(simulate(inv('IssueCertificate', ['N2', 's', 'n', 'c', 'cn', '14/03/2026', '2027-03-14']), state({})).message).toBe('invalid issueDate "14/03/2026": expected YYYY-MM-DD');
  });

  it('verify: VALID, EXPIRED as of the simulated date, REVOKED, NOT_FOUND', () => {
    expect(simulatedDate(0)).toBe('2026-03-14');
    const at = (days: number) => days * 86_400_000;
    const st = state({ X1: rec, R1: { ...rec, certID: 'R1', revoked: true } });
    const status = (id: string, t: number) => (JSON.parse(simulate(inv('VerifyCertificate', [id], t), st).payload) as { status: string }).status;
    expect(status('X1', 0)).toBe('VALID');
    expect(status('X1', at(300))).toBe('EXPIRED');
    expect(status('R1', 0)).toBe('REVOKED');
    expect(status('NOPE', 0)).toBe('NOT_FOUND');
  });

  it('revoke and query by student', () => {
    const st = state({ X1: rec, X2: { ...rec, certID: 'X2', studentID: 's2' } });
    const r = simulate(inv('RevokeCertificate', ['X1']), st);
    expect(JSON.parse(r.rwset[0]?.writes[0]?.value ?? '{}')).toMatchObject({ revoked: true, revokedDate: '2026-03-14' });
    expect(simulate(inv('RevokeCertificate', ['ZZ']), st).message).toBe('the certificate ZZ does not exist');
    expect((JSON.parse(simulate(inv('QueryCertificatesByStudent', ['s2']), st).payload) as { certID: string }[]).map((c) => c.certID)).toEqual(['X2']);
  });

  it('a payload the chaincode builds comes with its value, which is the payload parsed (members in order); a stored value read back comes without', () => {
    const st = state({ X1: rec, R1: { ...rec, certID: 'R1', revoked: true } });
    const built = [
      simulate(inv('IssueCertificate', ['N1', 's', 'n', 'c', 'cn', '2026-03-14', '2027-03-14']), st),
      simulate(inv('VerifyCertificate', ['X1']), st),
      simulate(inv('VerifyCertificate', ['NOPE']), st),
      simulate(inv('RevokeCertificate', ['X1']), st),
      simulate(inv('QueryCertificatesByStudent', ['s1']), st),
    ];
    for (const r of built) {
      expect(r.status).toBe(200);
      expect(r.result).toEqual(JSON.parse(r.payload));
      expect(JSON.stringify(r.result)).toBe(r.payload);
    }
    const got = simulate(inv('GetCertificate', ['X1']), st);
    expect(got.payload).toBe(JSON.stringify(rec));
    expect(got.result).toBeUndefined();
    expect(simulate(inv('RevokeCertificate', ['R1']), st).result).toBeUndefined();
  });
});
