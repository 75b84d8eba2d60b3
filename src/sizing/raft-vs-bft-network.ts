/**
 * Raft vs SmartBFT on the whole CertChain network: the same lying leader on a Fabric
 * network ordered by etcdraft (`topology.consensus: raft`) and by SmartBFT, through the
 * gateways, peers and CouchDB, with the invariant checkers every scenario run ends with.
 *
 * - corrupt: the Raft leader puts bytes no client sent into a block (`corrupt-block`); the
 *   SmartBFT leader corrupts its proposals (`corruptProposal`).
 * - equivocate: the leader sends different blocks to different followers.
 *
 * Raft followers write whatever their leader sends, so a checker breaks (a transaction no
 * client submitted, or orderers that disagree on a block); SmartBFT followers verify the
 * proposal and vote, so nothing forks, nothing forged is written, and the certificate
 * issued during the fault still commits.
 */
import type { CheckResult } from '../sim/cluster/checkers.ts';
import { blockHashesAgree, transactionsValid } from '../sim/cluster/checkers.ts';
import { SimCluster } from '../sim/cluster/sim-cluster.ts';
import { certificateFor, type IssueResult } from '../scenarios/cluster.ts';

export type NetworkFault = 'corrupt' | 'equivocate';
export type Consensus = 'raft' | 'smartbft';

const BEHAVIOUR: Readonly<Record<Consensus, Readonly<Record<NetworkFault, string>>>> = {
  raft: { corrupt: 'corrupt-block', equivocate: 'equivocate' },
  smartbft: { corrupt: 'corruptProposal', equivocate: 'equivocate' },
};

export interface NetworkOutcome {
  readonly consensus: Consensus;
  readonly fault: NetworkFault;
  readonly leader: string;
  readonly behaviour: string;
  /** The certificate issued while the leader lies. */
  readonly issue: IssueResult;
  readonly checks: readonly CheckResult[];
  /** Every checker held. */
  readonly safe: boolean;
}

/** One lying leader on one network. */
export async function runNetworkFault(consensus: Consensus, fault: NetworkFault, n: number, seed: number): Promise<NetworkOutcome> {
  const c = await SimCluster.create({ seed, topology: { orderers: n, consensus } });
  const before = await c.issueCertificate('techpulse', certificateFor('techpulse', { certID: `RVB-${fault}-1`, courseID: 'BFT-101', courseName: 'Why BFT over Raft' }));
  if (!before.ok) throw new Error(`raft-vs-bft (${consensus}): issuance before the fault failed: ${before.error ?? ''}`);
  const [leader] = await c.resolve('leader');
  const behaviour = BEHAVIOUR[consensus][fault];
  const set = await c.setByzantine(leader as string, behaviour);
  if (!set.ok) throw new Error(`raft-vs-bft (${consensus}): ${set.error ?? 'could not make the leader Byzantine'}`);
  const issue = await c.issueCertificate('dataforge', certificateFor('dataforge', { certID: `RVB-${fault}-2`, courseID: 'BFT-101', courseName: 'Why BFT over Raft' }));
  await c.sleep(30_000);
  const checks = [blockHashesAgree(c), transactionsValid(c)];
  await c.close();
  return { consensus, fault, leader: leader as string, behaviour, issue, checks, safe: checks.every((k) => k.ok) };
}

export interface NetworkComparison {
  readonly n: number;
  readonly seed: number;
  readonly outcomes: readonly NetworkOutcome[];
  readonly expectations: readonly { readonly text: string; readonly met: boolean }[];
  readonly passed: boolean;
}

/** Both faults on both networks; passed iff Raft breaks a checker each time and SmartBFT never does. */
export async function runNetworkComparison(n: number, seed: number): Promise<NetworkComparison> {
  const outcomes: NetworkOutcome[] = [];
  for (const fault of ['corrupt', 'equivocate'] as const) {
    for (const consensus of ['raft', 'smartbft'] as const) outcomes.push(await runNetworkFault(consensus, fault, n, seed));
  }
  const of = (c: Consensus, f: NetworkFault): NetworkOutcome => outcomes.find((o) => o.consensus === c && o.fault === f) as NetworkOutcome;
  const expectations = [
    { text: 'Raft network, lying leader that corrupts a block: a checker breaks', met: !of('raft', 'corrupt').safe },
    { text: 'Raft network, equivocating leader: a checker breaks', met: !of('raft', 'equivocate').safe },
    { text: 'SmartBFT network, both faults: every checker holds', met: of('smartbft', 'corrupt').safe && of('smartbft', 'equivocate').safe },
    { text: 'SmartBFT network, both faults: the certificate issued during the fault commits', met: of('smartbft', 'corrupt').issue.ok && of('smartbft', 'equivocate').issue.ok },
  ];
  return { n, seed, outcomes, expectations, passed: expectations.every((e) => e.met) };
}

export function renderNetworkComparison(r: NetworkComparison): string {
  const out = [`The same lying leader on the whole CertChain network (${r.n} orderers, gateways, peers, CouchDB; seed ${r.seed})`, ''];
  for (const o of r.outcomes) {
    const who = o.consensus === 'raft' ? 'Raft    ' : 'SmartBFT';
    const issued = o.issue.ok ? `certificate issued during the fault: committed in block ${o.issue.block ?? '?'}` : `certificate issued during the fault: failed (${o.issue.error ?? ''})`;
    out.push(`  ${who} ${o.fault.padEnd(10)} leader ${o.leader} turns ${o.behaviour}; ${issued}`);
    for (const k of o.checks) out.push(`             ${k.ok ? '✓' : '✗'} ${k.name}: ${k.detail}`);
  }
  out.push('', 'What this shows:');
  for (const e of r.expectations) out.push(`  [${e.met ? 'x' : ' '}] ${e.text}`);
  return out.join('\n') + '\n';
}
