/**
 * `fabric-bft-sim report TRACE.jsonl --out FILE.html`: the HTML report of a run from its
 * trace file (`run --trace`), without running it again. The file's header says its
 * layout version; a version this build does not read is a one-line error.
 */
import { bool, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { TraceLineReader, TRACE_VERSION, type StepEnd, type TraceHeader, type TraceRecord } from '../../shared/trace-format.ts';
import { FileReadError, readRegularFileLines } from '../../io/files.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { checkOutputFile, writeOutput } from '../output.ts';

/**
 * A trace file is read line by line (a long run's file may be far larger than memory):
 * only a line has a cap, far above any record `run --trace` writes.
 */
export const MAX_TRACE_LINE_CHARS = 16_000_000;

export const REPORT_SPEC: CommandSpec = {
  name: 'report',
  usage: ['TRACE.jsonl --out FILE.html [options]'],
  description: `Write the HTML report of a run from its trace file ("run X --trace FILE.jsonl"), without running it again: the same page "run X --report" writes. The trace's first line names its format version (${TRACE_VERSION} in this build; docs/report.md describes each record); a file of another version, or one that is not a trace, is refused with a one-line error.`,
  flags: {
    out: { type: 'string', value: 'FILE.html', expects: 'a file name (.html)', help: 'the report to write' },
    json: { type: 'bool', help: 'print what was read (scenario, seed, version, records, steps) as JSON' },
  },
  examples: ['fabric-bft-sim run kill-orderer --trace run.jsonl', 'fabric-bft-sim report run.jsonl --out run.html', 'fabric-bft-sim report run.jsonl --out run.html --json'],
};

type StepOutcome = { index: number; op: string; name: string; ok: boolean; value: unknown; expected: unknown; error: string | null; at: number };

/** A step's outcome as the report reads it, from its `step` end record. */
function stepOf(s: StepEnd): StepOutcome {
  return { index: s.index, op: s.op, name: s.name, ok: s.ok, value: s.value, expected: s.expected, error: s.error, at: s.t - s.tookMs };
}

/** The runner's result as far as the report reads it, from the header and the `step` end records. */
function resultOf(header: TraceHeader, steps: StepOutcome[]): { scenario: string; seed: number; target: string; passed: boolean; traceHash?: string; steps: StepOutcome[]; checks: NonNullable<TraceHeader['checks']> } {
  return {
    scenario: header.scenario,
    seed: header.seed,
    target: 'sim',
    passed: header.passed ?? steps.every((s) => s.ok),
    ...(header.traceHash !== undefined ? { traceHash: header.traceHash } : {}),
    steps,
    checks: header.checks ?? [],
  };
}

export async function reportCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(REPORT_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(REPORT_SPEC));
    return 0;
  }
  if (p.positionals.length !== 1) throw new UsageError(`report: expects one trace file (written by "run --trace"), got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}`);
  const file = p.positionals[0] as string;
  const out = str(p, 'out');
  if (out === undefined) throw new UsageError('report: --out FILE.html is required (the report to write)');
  checkOutputFile(env, 'report', 'out', out);
  // Line by line, keeping the records the page reads (src/report/data.ts ReportRecords) and
  // the steps' outcomes: memory follows the report, not the file.
  const { ReportRecords, reportHtml } = await import('../../report/cli.ts');
  const reader = new TraceLineReader();
  let kept: InstanceType<typeof ReportRecords> | undefined;
  const steps: StepOutcome[] = [];
  let header: TraceHeader;
  try {
    readRegularFileLines(file, MAX_TRACE_LINE_CHARS, (line, n) => {
      const x = reader.line(line, n);
      if (n === 1) {
        kept = new ReportRecords((x as TraceHeader).orderers);
        return;
      }
      const r = x as TraceRecord;
      kept?.add(r);
      if (r.k === 'step' && r.phase === 'end') steps.push(stepOf(r));
    });
    header = reader.end();
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(`report: ${file} ${e.problem}`);
    throw new UsageError(`report: ${file}: ${(e as Error).message}`);
  }
  const records = kept ?? new ReportRecords(header.orderers);
  const result = resultOf(header, steps);
  writeOutput(env, 'report', 'out', out, reportHtml(result, records, { orderers: header.orderers, peers: header.peers }, header.replay));
  const count = records.count;
  if (bool(p, 'json')) {
    env.stdout(`${JSON.stringify({ report: out, scenario: header.scenario, seed: header.seed, version: header.version, records: count, steps: result.steps.length }, null, 2)}\n`);
  } else {
    env.stdout(`Report: ${out} (${header.scenario}, seed ${header.seed}: ${count} trace records, ${result.steps.length} steps)\n`);
  }
  return 0;
}
