/** `fabric-bft-sim lab` (what `npm start` runs): the lab's three demos and a summary table. */
import { LAB_SCENARIOS } from '../../scenarios/builtins/index.ts';
import { formatDuration } from '../../scenarios/duration.ts';
import type { ScenarioResult } from '../../scenarios/runner.ts';
import { bool, num, parseArgs, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { execute } from '../execute.ts';
import { checksTable, logEvidence, replayCommand, resultJson, stepTable } from '../format.ts';
import type { CliEnv } from '../io.ts';

export const LAB_SPEC: CommandSpec = {
  name: 'lab',
  usage: ['[options]'],
  description: "Run the lab's three demos (kill-orderer, peer-recovery, couchdb-rebuild) on the default certchain topology (4 orderers, 3 orgs) and print a summary table. Exit code 0 iff all pass. \"npm start\" runs it.",
  flags: {
    seed: { type: 'int', min: 0, max: 0xffffffff, help: 'seed of every run', default: "each scenario's seed" },
    json: { type: 'bool', help: 'print the three results as JSON' },
  },
  examples: ['fabric-bft-sim lab', 'fabric-bft-sim lab --seed 7 --json'],
};

export async function labCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(LAB_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(LAB_SPEC));
    return 0;
  }
  const target = await env.target();
  const rows: { result: ScenarioResult; wall: number }[] = [];
  for (const b of LAB_SCENARIOS) {
    const scenario = b.build({});
    const seed = num(p, 'seed') ?? scenario.seed ?? 1;
    if (!bool(p, 'json') && env.tty) env.stderr(`running ${b.name} (seed ${seed})...\n`);
    const t0 = env.wallMs();
    rows.push({ result: await execute(target, scenario, { seed }), wall: env.wallMs() - t0 });
  }
  const allPassed = rows.every((r) => r.result.passed);
  if (bool(p, 'json')) {
    env.stdout(resultJson({ passed: allPassed, results: rows.map((r) => r.result) }));
    return allPassed ? 0 : 1;
  }
  const out: string[] = [];
  for (const { result } of rows) {
    out.push(`== ${result.scenario} (seed ${result.seed}) ==`, stepTable(result));
    const ev = logEvidence(result);
    if (ev !== '') out.push(ev);
    const ch = checksTable(result);
    if (ch !== '') out.push(ch);
    out.push('');
  }
  const w = Math.max(8, ...rows.map((r) => r.result.scenario.length));
  out.push('Summary');
  out.push(`  ${'scenario'.padEnd(w)}  result  steps   checks  simulated  wall     trace`);
  for (const { result, wall } of rows) {
    const steps = `${result.steps.filter((s) => s.ok).length}/${result.steps.length}`;
    const checks = `${result.checks.filter((c) => c.ok).length}/${result.checks.length}`;
    const verdict = result.passed ? '✓ pass' : result.verdict === 'budget exceeded' ? '✗ budget' : '✗ FAIL';
    out.push(
      `  ${result.scenario.padEnd(w)}  ${verdict.padEnd(6)}  ${steps.padEnd(6)}  ${checks.padEnd(6)}  ${formatDuration(result.metrics.durationMs).padEnd(9)}  ${formatDuration(wall).padEnd(7)}  ${result.traceHash ?? '-'}`,
    );
  }
  out.push('', allPassed ? 'All three lab demos passed.' : 'Some lab demos FAILED. Replay:');
  for (const { result } of rows) if (!result.passed) out.push(`  ${replayCommand(result.scenario, result.seed, undefined)}`);
  env.stdout(out.join('\n') + '\n');
  return allPassed ? 0 : 1;
}
