/**
 * The report's CLI entries, loaded by the dispatcher (src/cli/main.ts) by path:
 * `fabric-bft-sim explain quorum --orderers N`. And the one call `run --report FILE`
 * needs: the HTML of a run from its result, kept trace records and topology.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { reportInputOf, type ReportResultLike } from './data.ts';
import { renderReport } from './html.ts';

export { runExplainCommand } from './explain.ts';

/** The self-contained HTML report of one run (for `run --report FILE.html`). */
export function reportHtml(
  result: ReportResultLike,
  records: readonly TraceRecord[],
  topology: { readonly orderers: readonly string[]; readonly peers: readonly string[] },
  /** The replay command the caller printed (`run` knows the file path or built-in and --orderers). */
  replay?: string,
): string {
  return renderReport(reportInputOf(result, records, topology, replay));
}
