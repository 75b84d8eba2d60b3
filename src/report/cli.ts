/**
 * The report's CLI entries, loaded by the dispatcher (src/cli/main.ts) by path:
 * `fabric-bft-sim explain quorum --orderers N`. And the calls `run --report FILE` needs:
 * a keeper of the records the report reads, fed as the run goes, and the HTML of a run
 * from its result, those records and its topology.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { reportInputOf, ReportRecords, type ReportResultLike } from './data.ts';
import { renderReport } from './html.ts';

export { runExplainCommand } from './explain.ts';
export { ReportRecords };

/** The self-contained HTML report of one run (for `run --report FILE.html`). */
export function reportHtml(
  result: ReportResultLike,
  records: readonly TraceRecord[] | ReportRecords,
  topology: { readonly orderers: readonly string[]; readonly peers: readonly string[] },
  /** The replay command the caller printed (`run` knows the file path or built-in and --orderers). */
  replay?: string,
): string {
  return renderReport(reportInputOf(result, records, topology, replay));
}
