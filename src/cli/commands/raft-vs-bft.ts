/**
 * `run raft-vs-bft`: the lab's "Why BFT over Raft?" as a run. Not a scenario document:
 * first the same faults (leader crash, corrupt block, equivocation) on an etcdraft-like
 * model and on SmartBFT directly on the kernel (src/sizing/raft-vs-bft.ts), then the same
 * lying leader on the whole CertChain network ordered by each, with the invariant checkers
 * (src/sizing/raft-vs-bft-network.ts). Exit 0 iff every expectation of both holds (Raft
 * breaks where it should, SmartBFT stays safe).
 */
import { UsageError, type CliEnv } from '../io.ts';

export const RAFT_VS_BFT = {
  name: 'raft-vs-bft',
  description: 'The same faults (leader crash, corrupt block, equivocation) on Raft and on SmartBFT: Raft forks or writes forged data, SmartBFT stays safe',
  minOrderers: 4,
} as const;

/** Run options that only make sense for scenario documents. */
const SCENARIO_ONLY = ['logs', 'trace', 'report', 'check-determinism', 'max-time', 'max-wall'] as const;

export async function runRaftVsBftCommand(env: CliEnv, flags: Readonly<Record<string, unknown>>, json: boolean, orderers: number | undefined, seed: number | undefined): Promise<number> {
  const bad = SCENARIO_ONLY.find((f) => flags[f] !== undefined);
  if (bad !== undefined) throw new UsageError(`run: --${bad} does not apply to raft-vs-bft (a comparison, not a scenario run); it takes --orderers, --seed and --json`);
  const n = orderers ?? 4;
  if (n < RAFT_VS_BFT.minOrderers) throw new UsageError(`run: raft-vs-bft needs --orderers >= ${RAFT_VS_BFT.minOrderers} (SmartBFT needs 3f+1 with f >= 1), got ${n}`);
  // Loaded on use: listing and loading scenarios does not load the Raft model.
  const { renderRaftVsBft, runRaftVsBft } = await import('../../sizing/raft-vs-bft.ts');
  const { renderNetworkComparison, runNetworkComparison } = await import('../../sizing/raft-vs-bft-network.ts');
  const result = runRaftVsBft({ n, seed: seed ?? 1 });
  const network = await runNetworkComparison(n, seed ?? 1);
  const passed = result.passed && network.passed;
  env.stdout(json ? JSON.stringify({ passed, consensus: result, network }, null, 2) + '\n' : `${renderRaftVsBft(result)}\n${renderNetworkComparison(network)}`);
  return passed ? 0 : 1;
}
