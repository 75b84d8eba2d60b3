/**
 * `fabric-bft-sim size`: the sizing table (math + measured columns) or, with
 * `--raft-vs-bft`, the Raft vs SmartBFT comparison. The CLI dispatcher calls
 * `runSizeCommand(argv, io)`; exit code 0 on success, 2 on bad arguments (one line on
 * stderr), 1 when the Raft vs SmartBFT comparison did not show what it should.
 */
import { parseSizeArgs, SIZE_USAGE, UsageError } from './args.ts';
import { renderSizing } from './format.ts';
import { measureOptions, type MeasureSetup } from './measure.ts';
import { computeSizing, placementFor } from './model.ts';
import { renderRaftVsBft, runRaftVsBft } from './raft-vs-bft.ts';

export interface SizeIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export async function runSizeCommand(argv: readonly string[], io: SizeIo): Promise<number> {
  let args;
  try {
    args = parseSizeArgs(argv);
  } catch (e) {
    io.stderr(`fabric-bft-sim size: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${SIZE_USAGE}\n`);
    return 0;
  }

  if (args.raftVsBft) {
    const n = args.params.orderers[0] ?? 4;
    if (args.params.orderers.length !== 1 || n < 4) {
      io.stderr('fabric-bft-sim size: --raft-vs-bft compares one cluster size; give --orderers N with N >= 4\n');
      return 2;
    }
    const result = runRaftVsBft({ n, seed: args.seed });
    io.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderRaftVsBft(result));
    return result.passed ? 0 : 1;
  }

  let report;
  try {
    report = computeSizing(args.params);
  } catch (e) {
    if (e instanceof RangeError || e instanceof UsageError) {
      io.stderr(`fabric-bft-sim size: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const setup: MeasureSetup = { seed: args.seed, rttInZoneMs: args.rttInZoneMs, rttAcrossZonesMs: args.rttAcrossZonesMs, cpuPerMessageMs: args.cpuPerMessageMs };
  const shape = { roundRobin: args.params.placement === undefined, orgs: args.params.orgs, peersPerOrg: Math.min(...args.params.peersPerOrg) };
  const measured = args.measure ? await measureOptions(report.options.map((o) => ({ n: o.n, placement: placementFor(o.n, args.params) })), setup, shape) : undefined;

  if (args.json) {
    const options = report.options.map((o) => ({ ...o, measured: measured?.get(o.n) ?? null }));
    const body = { seed: args.seed, rttInZoneMs: args.rttInZoneMs, rttAcrossZonesMs: args.rttAcrossZonesMs, cpuPerMessageMs: args.cpuPerMessageMs, zoneCount: report.zoneCount, params: report.params, options, endorsement: report.endorsement, recommendation: report.recommendation };
    io.stdout(`${JSON.stringify(body, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2)}\n`);
  } else {
    io.stdout(renderSizing(report, measured, measured === undefined ? undefined : setup));
  }
  return 0;
}
