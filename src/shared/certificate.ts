/**
 * The lab's certificate, a shared word: what the chaincode stores (src/sim/fabric), what a
 * scenario issues through the `Cluster` port (src/scenarios) and what the REST API takes
 * on every target. A leaf module: it imports nothing of the project.
 */

/** The lab's certificate, as `POST /api/v1/certificates` takes it. */
export interface Certificate {
  readonly certID: string;
  readonly studentID: string;
  readonly studentName: string;
  readonly courseID: string;
  readonly courseName: string;
  /** `YYYY-MM-DD` */
  readonly issueDate: string;
  /** `YYYY-MM-DD` */
  readonly expiryDate: string;
}

/** The certificate the lab issues, with `via`'s student and the lab's dates. */
export function certificateFor(via: string, partial: { certID: string } & Partial<Certificate>): Certificate {
  return {
    certID: partial.certID,
    studentID: partial.studentID ?? `student01@${via}.demo`,
    studentName: partial.studentName ?? 'Resilience Test',
    courseID: partial.courseID ?? 'TEST-101',
    courseName: partial.courseName ?? 'BFT Testing',
    issueDate: partial.issueDate ?? '2026-03-14',
    expiryDate: partial.expiryDate ?? '2027-03-14',
  };
}

/** The certificates background load issues (`load` steps): the lab's, with their own course. */
export function loadCertificate(via: string, i: number, tag: number | string): Certificate {
  return certificateFor(via, { certID: `LOAD-${tag}-${i}`, studentName: 'Load Test', courseID: 'LOAD-101', courseName: 'Background load' });
}

/** The initial certificates (the lab verifies TP-FSWD-001). */
export const INITIAL_CERTIFICATES: Readonly<Record<string, readonly Certificate[]>> = {
  techpulse: [
    { certID: 'TP-FSWD-001', studentID: 'student01@techpulse.demo', studentName: 'Alice Martin', courseID: 'FSWD-101', courseName: 'Full Stack Web Development', issueDate: '2026-01-15', expiryDate: '2028-01-15' },
    { certID: 'TP-CLOUD-002', studentID: 'student02@techpulse.demo', studentName: 'Bob Chen', courseID: 'CLOUD-201', courseName: 'Cloud Native Architecture', issueDate: '2026-02-01', expiryDate: '2028-02-01' },
    { certID: 'TP-SEC-003', studentID: 'student01@techpulse.demo', studentName: 'Alice Martin', courseID: 'SEC-110', courseName: 'Secure Coding', issueDate: '2025-03-01', expiryDate: '2026-03-01' },
  ],
  dataforge: [
    { certID: 'DF-DENG-001', studentID: 'student01@dataforge.demo', studentName: 'Chidi Okafor', courseID: 'DENG-101', courseName: 'Data Engineering Foundations', issueDate: '2026-01-20', expiryDate: '2028-01-20' },
    { certID: 'DF-ML-002', studentID: 'student02@dataforge.demo', studentName: 'Dana Ruiz', courseID: 'ML-201', courseName: 'Applied Machine Learning', issueDate: '2026-02-10', expiryDate: '2028-02-10' },
  ],
};

/** The certificates `org` issues at bootstrap (the lab's, else two of its own). */
export function initialCertificates(org: string): readonly Certificate[] {
  return (
    INITIAL_CERTIFICATES[org] ?? [
      { certID: `${org.toUpperCase()}-INTRO-001`, studentID: `student01@${org}.demo`, studentName: 'Eve Novak', courseID: 'INTRO-101', courseName: 'Introduction to Blockchain', issueDate: '2026-01-10', expiryDate: '2028-01-10' },
      { certID: `${org.toUpperCase()}-OPS-002`, studentID: `student02@${org}.demo`, studentName: 'Frank Ito', courseID: 'OPS-201', courseName: 'Blockchain Operations', issueDate: '2026-02-05', expiryDate: '2028-02-05' },
    ]
  );
}
