/**
 * `run --report` keeps only the trace records the report reads (`ReportRecords`), not the
 * whole trace: the page built from them must be the page built from every record, byte
 * for byte, on real runs of the model (SmartBFT and Raft), on the toy protocol (no gauges:
 * the fallbacks) and on random mixtures of every record kind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import { findBuiltin } from '../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../src/scenarios/simulator.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';
import { describeTopology } from '../../src/scenarios/topology.ts';
import { buildReportData, readByReport, reportInputOf, ReportRecords, type ReportResultLike } from '../../src/report/data.ts';
import { renderReport } from '../../src/report/html.ts';
import { reportHtml } from '../../src/report/cli.ts';
import { ORDERERS, PEERS, runToy } from './toy.ts';

/** A scenario run as `run --report` runs it, every record kept beside a `ReportRecords`. */
async function both(scenario: Scenario): Promise<{ all: TraceRecord[]; kept: ReportRecords; html: (r: readonly TraceRecord[] | ReportRecords) => string }> {
  const seed = scenario.seed ?? 1;
  const all: TraceRecord[] = [];
  const kept = new ReportRecords(describeTopology(scenario.topology).orderers);
  const cluster = await simClusterFor(scenario, {
    seed,
    traceSink: (r) => {
      all.push(r);
      kept.add(r);
    },
  });
  try {
    const result = await runScenario(scenario, cluster, { checks: simChecks, seed });
    return { all, kept, html: (r) => reportHtml(result, r, cluster.topology, 'fabric-bft-sim run x --seed 1') };
  } finally {
    await cluster.close();
  }
}

describe('ReportRecords: the report from the records it reads is the report from every record', () => {
  for (const name of ['kill-orderer', 'couchdb-rebuild', 'byzantine-leader', 'partitioned-leader']) {
    it(`${name}: the same page, byte for byte, from a fraction of the records`, async () => {
      const { all, kept, html } = await both(findBuiltin(name)!.build({}));
      expect(all.length).toBeGreaterThan(1000);
      expect(kept.count).toBe(all.length);
      expect(kept.end).toBe(all.reduce((m, r) => Math.max(m, r.t), 0));
      expect(html(kept)).toBe(html(all));
      // it leaves out most of the trace: deliveries to peers, timers, log lines
      expect(kept.records.length).toBeLessThan(all.length * 0.8);
    }, 60_000);
  }

  it('raft: an etcdraft ordering service (no SmartBFT gauges or log lines) gives the same page', async () => {
    const base = findBuiltin('leader-crash')!.build({});
    const { all, kept, html } = await both({ ...base, topology: { ...base.topology, consensus: 'raft' } });
    expect(html(kept)).toBe(html(all));
  }, 60_000);

  it('the toy protocol (bft.decided and peer.committed facts, no phase gauges) gives the same report data', () => {
    const { input } = runToy('orderer.dataforge');
    const kept = new ReportRecords(input.nodes.orderers);
    for (const r of input.records) kept.add(r);
    expect(buildReportData(reportInputOf(input.result, kept, input.nodes))).toEqual(buildReportData(input));
    expect(kept.records.length).toBeLessThan(input.records.length);
  });

  it('random mixtures of every record kind (messages among orderers and peers, gauges, log lines, facts, faults) give the same page', () => {
    const node = fc.constantFrom(...ORDERERS, ...PEERS, 'couchdb.techpulse');
    const t = fc.integer({ min: 0, max: 5000 });
    const metric = fc.record({
      type: fc.constant('metric'),
      name: fc.constantFrom('consensus_BFT_committed_block_number', 'ledger_blockchain_height', 'consensus_smartbft_view_number', 'consensus_smartbft_view_leader_id', 'consensus_BFT_leader_id', 'consensus_BFT_is_leader', 'consensus_smartbft_view_phase', 'consensus_smartbft_wal_count_of_files', 'blockcutter_block_fill_duration'),
      value: fc.integer({ min: 0, max: 5 }),
    });
    const log = fc.record({ type: fc.constant('log'), kind: fc.constantFrom('smartbft.startView', 'smartbft.changeRole', 'smartbft.walContains', 'peer.committedBlock'), args: fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('leader', 'follower')), { maxLength: 3 }) });
    const fact = fc.oneof(
      fc.record({ type: fc.constant('bft.decided'), seq: fc.integer({ min: 0, max: 6 }), view: fc.integer({ min: 0, max: 2 }), digest: fc.constantFrom('a', 'b'), signers: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), viaSync: fc.boolean() }),
      fc.record({ type: fc.constant('peer.committed'), block: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ type: fc.constantFrom('bft.byzantine', 'raft.byzantine'), behaviour: fc.constantFrom('equivocate', null) }),
      fc.record({ type: fc.constant('gateway.submitted'), txId: fc.string() }),
      fc.constant('not an object'),
    );
    const msgText = fc.constantFrom('PrePrepare', 'Prepare', 'Commit', 'ViewChange', 'HeartBeat', 'Block');
    const fields = fc.record({ type: msgText, view: fc.integer({ min: 0, max: 2 }), seq: fc.integer({ min: 0, max: 6 }) });
    const id = fc.integer({ min: 1, max: 30 });
    const record: fc.Arbitrary<TraceRecord> = fc.oneof(
      fc.record({ t, k: fc.constant('send' as const), id, from: node, to: node, m: msgText, msg: fields }),
      fc.record({ t, k: fc.constant('deliver' as const), id, from: node, to: node, m: msgText }),
      fc.record({ t, k: fc.constant('drop' as const), id, from: node, to: node, m: msgText, reason: fc.constantFrom('loss' as const, 'partition' as const, 'down' as const) }),
      fc.record({ t, k: fc.constant('timer' as const), node, name: fc.constant('tick') }),
      fc.record({ t, k: fc.constantFrom('crash' as const, 'restart' as const), node }),
      fc.record({ t, k: fc.constant('command' as const), node, c: fc.constant('stop') }),
      fc.record({ t, k: fc.constant('event' as const), node, e: fc.oneof(metric, log, fact) }),
      fc.record({ t, k: fc.constant('note' as const), text: fc.constant('a note') }),
      fc.record({ t, k: fc.constant('fault' as const), fault: fc.constantFrom('partition' as const, 'heal' as const), text: fc.constant('partition') }).map((f) => (f.fault === 'partition' ? { ...f, groups: [['orderer.techpulse']] } : f) as TraceRecord),
      fc.record({ t, k: fc.constant('step' as const), phase: fc.constant('start' as const), index: fc.integer({ min: 0, max: 3 }), op: fc.constant('sleep'), name: fc.constant('sleep') }),
    );
    const result: ReportResultLike = { scenario: 'mix', seed: 1, target: 'sim', passed: true, traceHash: '0', steps: [] };
    const nodes = { orderers: ORDERERS, peers: PEERS };
    fc.assert(
      fc.property(fc.array(record, { maxLength: 80 }), (records) => {
        // trace order is time order
        const sorted = [...records].sort((a, b) => a.t - b.t);
        const kept = new ReportRecords(ORDERERS);
        for (const r of sorted) kept.add(r);
        expect(renderReport(reportInputOf(result, kept, nodes))).toBe(renderReport(reportInputOf(result, sorted, nodes)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('readByReport: what the report reads, one record each', () => {
  const orderers = new Set(ORDERERS);
  const [o1, o2] = ORDERERS as [string, string];
  const p1 = PEERS[0] as string;
  it('keeps a message between two orderers, drops one to a peer', () => {
    expect(readByReport({ t: 1, k: 'send', id: 1, from: o1, to: o2, m: 'Commit' }, orderers)).toBe(true);
    expect(readByReport({ t: 1, k: 'deliver', id: 2, from: o1, to: p1, m: 'Block' }, orderers)).toBe(false);
  });
  it('keeps crashes, restarts, faults and notes; drops timers, commands and steps', () => {
    expect(readByReport({ t: 1, k: 'crash', node: p1 }, orderers)).toBe(true);
    expect(readByReport({ t: 1, k: 'fault', fault: 'heal', text: 'heal' }, orderers)).toBe(true);
    expect(readByReport({ t: 1, k: 'note', text: 'n' }, orderers)).toBe(true);
    expect(readByReport({ t: 1, k: 'timer', node: o1, name: 'tick' }, orderers)).toBe(false);
    expect(readByReport({ t: 1, k: 'command', node: o1, c: 'x' }, orderers)).toBe(false);
    expect(readByReport({ t: 1, k: 'step', phase: 'start', index: 0, op: 'sleep', name: 'sleep' }, orderers)).toBe(false);
  });
  it('keeps the gauges, log lines and facts the charts and node states read; drops the rest', () => {
    const ev = (e: unknown): TraceRecord => ({ t: 1, k: 'event', node: o1, e });
    expect(readByReport(ev({ type: 'metric', name: 'consensus_BFT_committed_block_number', value: 1 }), orderers)).toBe(true);
    expect(readByReport(ev({ type: 'metric', name: 'consensus_smartbft_view_phase', value: 1 }), orderers)).toBe(true);
    expect(readByReport(ev({ type: 'metric', name: 'ledger_transaction_count', value: 1 }), orderers)).toBe(false);
    expect(readByReport(ev({ type: 'log', kind: 'smartbft.changeRole', args: [] }), orderers)).toBe(true);
    expect(readByReport(ev({ type: 'log', kind: 'peer.committedBlock', args: [] }), orderers)).toBe(false);
    expect(readByReport(ev({ type: 'bft.decided', seq: 1 }), orderers)).toBe(true);
    expect(readByReport(ev({ type: 'orderer.byzantine', behaviour: null }), orderers)).toBe(true);
    expect(readByReport(ev({ type: 'gateway.submitted' }), orderers)).toBe(false);
  });
});
