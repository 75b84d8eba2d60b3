/*
 * certcontract's rules, mirroring src/sim/fabric/chaincode.ts (the model's chaincode)
 * function by function: the same arguments, the same stored JSON, the same error
 * messages. Pure: state goes through `getState(key) -> string | undefined`,
 * `putState(key, string)` and `scan() -> [{ key, value }]` (all keys, in key order), so
 * test/local/chaincode-parity.test.ts runs it beside the model without a peer.
 *
 * Two differences a real peer imposes, written down in docs/local.md:
 *  - "today" is the date (UTC) of the transaction's timestamp (the client's clock), not
 *    the simulated clock;
 *  - QueryCertificatesByStudent scans the namespace (LevelDB has no rich queries and no
 *    indexStudentDoc index); it returns the same rows in the same (key) order.
 */
'use strict';

const CHAINCODE = 'certcontract';

function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function checkDate(name, v) {
  if (v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `invalid ${name} "${v === undefined ? '' : v}": expected YYYY-MM-DD`;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(5, 7));
  const d = Number(v.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return `invalid ${name} "${v}": no such date`;
  return null;
}

function verifyStatus(cert, today) {
  if (cert === undefined) return 'NOT_FOUND';
  if (cert.revoked) return 'REVOKED';
  if (cert.expiryDate < today) return 'EXPIRED';
  return 'VALID';
}

/** `YYYY-MM-DD` (UTC) of a time in milliseconds. */
function dateOf(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

class ChaincodeError extends Error {}

/**
 * One invocation. `io` = { getState, putState, scan, creatorMsp, timestampMs }.
 * Returns the payload (a JSON string); throws ChaincodeError with the model's message.
 */
async function invoke(fn, a, io) {
  const fail = (m) => {
    throw new ChaincodeError(m);
  };
  switch (fn) {
    case 'IssueCertificate': {
      if (a.length !== 7) fail(`IssueCertificate: expected 7 arguments (certID, studentID, studentName, courseID, courseName, issueDate, expiryDate), got ${a.length}`);
      const [certID, studentID, studentName, courseID, courseName, issueDate, expiryDate] = a;
      if (certID.trim() === '') fail('IssueCertificate: certID must not be empty');
      const bad = checkDate('issueDate', issueDate) ?? checkDate('expiryDate', expiryDate);
      if (bad !== null) fail(bad);
      if (expiryDate < issueDate) fail(`expiryDate ${expiryDate} is before issueDate ${issueDate}`);
      if ((await io.getState(certID)) !== undefined) fail(`the certificate ${certID} already exists`);
      const rec = { docType: 'certificate', certID, studentID, studentName, courseID, courseName, issueDate, expiryDate, issuer: io.creatorMsp, revoked: false };
      await io.putState(certID, JSON.stringify(rec));
      return JSON.stringify(rec);
    }
    case 'GetCertificate': {
      const v = await io.getState(a[0] ?? '');
      if (v === undefined) fail(`the certificate ${a[0] ?? ''} does not exist`);
      return v;
    }
    case 'VerifyCertificate': {
      const v = await io.getState(a[0] ?? '');
      const cert = v === undefined ? undefined : JSON.parse(v);
      const status = verifyStatus(cert, dateOf(io.timestampMs));
      return JSON.stringify(cert === undefined ? { certID: a[0] ?? '', status } : { certID: cert.certID, status, certificate: cert });
    }
    case 'RevokeCertificate': {
      const v = await io.getState(a[0] ?? '');
      if (v === undefined) fail(`the certificate ${a[0] ?? ''} does not exist`);
      const cert = JSON.parse(v);
      if (cert.revoked) fail(`the certificate ${cert.certID} is already revoked`);
      const rec = { ...cert, revoked: true, revokedDate: dateOf(io.timestampMs) };
      await io.putState(cert.certID, JSON.stringify(rec));
      return JSON.stringify(rec);
    }
    case 'QueryCertificatesByStudent': {
      const rows = [];
      for (const r of await io.scan()) {
        let doc;
        try {
          doc = JSON.parse(r.value);
        } catch {
          continue;
        }
        if (doc !== null && typeof doc === 'object' && doc.docType === 'certificate' && doc.studentID === (a[0] ?? '')) rows.push(doc);
      }
      return JSON.stringify(rows);
    }
    default:
      return fail(`Function ${fn} not found in contract ${CHAINCODE}`);
  }
}

module.exports = { CHAINCODE, ChaincodeError, invoke, verifyStatus, checkDate, dateOf };
