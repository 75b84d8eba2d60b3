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
