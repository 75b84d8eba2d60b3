/**
 * The sizing report as text: plain fixed-width tables a terminal and a README can show,
 * then the notes and the recommendation. Pure: report in, string out.
 */
import { formatProbability, type OrdererOption, type SizingReport } from './model.ts';
import type { Dominance } from './dominance.ts';
import type { Measured, MeasureSetup } from './measure.ts';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function zoneLossCell(o: OrdererOption): string {
  if (o.placement.length === 1) return `z1 HALT (0 left)`;
  return o.zoneLoss.map((z) => (z.live ? `z${z.zone} ok` : `z${z.zone} HALT (${z.left}<${o.q})`)).join(', ');
}

/** `yes`, or `no: ` and the requirements it fails (`no: f 1<2, z1 loss halts`). */
export function meetsCell(o: OrdererOption): string {
  return o.meets ? 'yes' : `no: ${o.failed.join(', ')}`;
}

/** The requirements "meets" counts (the flags given), and zone-loss survival as information when it was not asked. */
export function requirementsLine(report: SizingReport): string[] {
  const p = report.params;
  const asked = [`f >= ${p.tolerate} Byzantine (--tolerate)`];
  if (p.surviveZoneLoss) asked.push(`any one zone lost with ordering going on (--survive-zone-loss)`);
  const out = [`meets: ${asked.join(' and ')}.`];
  if (!p.surviveZoneLoss) {
    const halting = report.options.filter((o) => !o.survivesAnyZoneLoss).map((o) => o.n);
    const what =
      halting.length === 0
        ? 'every size listed goes on ordering after losing any one zone'
        : halting.length === report.options.length
          ? `every size listed halts when ${report.zoneCount === 1 ? 'its one zone is' : 'its biggest zone is'} lost`
          : `${halting.join(', ')} halt${halting.length === 1 ? 's' : ''} when ${halting.length === 1 ? 'its' : 'their'} biggest zone is lost, the others go on`;
    out.push(`Zone loss was not asked (add --survive-zone-loss to require it), so "meets" does not count it: ${what}.`);
  }
  return out;
}

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : x >= 100 ? `${x.toFixed(0)}ms` : `${x.toFixed(1)}ms`;
}

function nines(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : 'inf';
}

export function renderSizing(report: SizingReport, measured: ReadonlyMap<number, Measured> | undefined, setup: MeasureSetup | undefined, dominance?: Dominance | null): string {
  const p = report.params;
  const out: string[] = [];
  const zones = p.placement !== undefined ? `placement ${p.placement.join(',')}` : `${report.zoneCount} zone${report.zoneCount === 1 ? '' : 's'}, round-robin`;
  out.push(
    `Ordering service sizing (SmartBFT quorum math; ${zones}; node availability ${p.nodeAvailability}, zone availability ${p.zoneAvailability})`,
    '',
  );
  out.push(
    table(
      ['n', 'shape', 'f', 'Q', 'byz', 'crash', 'per zone', 'losing one zone', 'ordering avail.', 'nines', 'down/yr', 'meets'],
      report.options.map((o) => [
        String(o.n),
        o.shape,
        String(o.f),
        String(o.q),
        String(o.byzantineTolerated),
        String(o.crashTolerated),
        o.placement.join(','),
        zoneLossCell(o),
        formatProbability(o.availability.withZoneOutages),
        nines(o.availability.nines),
        `${o.availability.downtimeMinutesPerYear.toFixed(1)}m`,
        meetsCell(o),
      ]),
    ),
  );
  out.push('', 'byz/crash: Byzantine (f) and crash-only (n-Q) faults tolerated. A lost zone never breaks safety (quorums of Q intersect in >= f+1); HALT means fewer than Q orderers are left, so ordering stops until the zone returns.', ...requirementsLine(report));

  if (measured !== undefined && setup !== undefined) {
    out.push(
      '',
      `Measured on the simulator (SmartBFT consenter, Fabric defaults, seed ${setup.seed}, RTT ${setup.rttInZoneMs}ms in-zone, ${setup.rttAcrossZonesMs}ms across zones, ${setup.cpuPerMessageMs ?? 0}ms CPU per message):`,
      '',
    );
    const rows = report.options.map((o) => {
      const m = measured.get(o.n);
      if (m === undefined) return [String(o.n), 'not measured'];
      return [
        String(o.n),
        `${m.messagesPerDecision} (formula ${m.formulaValue})`,
        ms(m.latencyP50Ms),
        ms(m.latencyP99Ms),
        m.certificateLatencyMs === null ? 'failed' : ms(m.certificateLatencyMs),
        m.decisionsPerSecond.toFixed(1),
        m.requestsPerSecond.toFixed(0),
        m.recoverHeartbeatMs === null ? 'none' : ms(m.recoverHeartbeatMs),
        m.recoverComplainMs === null ? 'none' : ms(m.recoverComplainMs),
      ];
    });
    out.push(table(['n', 'msgs/decision', 'p50', 'p99', 'cert e2e', 'decisions/s', 'requests/s', 'leader crash: heartbeat path', 'complain path'], rows));
    if (dominance !== undefined && dominance !== null) out.push('', dominance.sentence);
    const note = [...measured.values()][0]?.notes;
    if (note !== undefined) out.push('', ...note);
  }

  out.push('', `Endorsement (${p.orgs} orgs, policy ${p.policy}, peer availability ${p.peerAvailability}):`, '');
  out.push(
    table(
      ['peers/org', 'org up', 'policy met', "org's gateway can issue", 'nines'],
      report.endorsement.map((e) => [String(e.peersPerOrg), formatProbability(e.orgUp), formatProbability(e.policyMet), formatProbability(e.orgCanIssue), nines(e.orgCanIssueNines)]),
    ),
  );

  const notes = report.options.filter((o) => o.shape !== '3f+1').map((o) => `  ${o.n}: ${o.shapeNote}.`);
  if (notes.length > 0) out.push('', 'Note on sizes that are not 3f+1:', ...notes);

  out.push('', `Recommendation: ${report.recommendation.reason}`, `Peers: ${report.recommendation.peersReason}`);
  const failing = report.options.filter((o) => !o.meets);
  if (failing.length > 0) out.push('Not chosen:', ...failing.map((o) => `  ${o.n}: ${o.verdict}.`));
  return out.join('\n') + '\n';
}
