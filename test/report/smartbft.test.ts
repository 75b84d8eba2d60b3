/**
 * The report's data from the real SmartBFT model (src/sim/smartbft createConsenter on the
 * kernel): the leader crashes, the others change view, it comes back and syncs.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/kernel/index.ts';
import { createConsenter } from '../../src/sim/smartbft/api.ts';
import { buildReportData, stateAt, type ReportData } from '../../src/report/data.ts';

const NAMES = ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'];

function leaderCrash(): ReportData {
  const nodes = NAMES.map((name, i) => ({ id: i + 1, name }));
  const sim = new Simulation({ seed: 3, trace: { keep: true } });
  NAMES.forEach((n, i) => sim.addNode(n, createConsenter({ id: i + 1, nodes })));
  let k = 0;
  const submit = (): void => {
    const request = { clientId: 'c', reqId: `tx${++k}`, size: 100, payload: null };
    for (const n of NAMES) if (sim.isUp(n)) sim.command(n, { type: 'submit', request }, `submit ${request.reqId}`);
  };
  for (let t = 1000; t < 120_000; t += 2000) sim.at(t, submit);
  sim.at(20_000, () => sim.crash('orderer.techpulse'));
  sim.at(70_000, () => sim.restart('orderer.techpulse'));
  sim.run({ until: 120_000, maxEvents: 5_000_000 });
  return buildReportData({
    result: { scenario: 'leader-crash', seed: 3, target: 'sim', passed: true, traceHash: sim.trace.hash(), steps: [] },
    records: sim.trace.records,
    nodes: { orderers: NAMES, peers: [] },
    quorum: { n: 4, f: 1, q: 3 },
  });
}

describe('report data from a SmartBFT run: leader crash at 20 s, back at 70 s (n=4, f=1)', () => {
  const data = leaderCrash();
  const state = (node: string, t: number): Record<string, unknown> => stateAt(data.states.find((s) => s.node === node)?.changes ?? [], t);
  const committedAt = (node: string, t: number): number =>
    data.committed.find((s) => s.node === node)?.points.filter(([pt]) => pt <= t).at(-1)?.[1] ?? -1;

  it('shades the leader outage and cuts its committed line; the others resume after the view change', () => {
    expect(data.faults).toEqual([{ kind: 'crash', node: 'orderer.techpulse', from: 20_000, to: 70_000, label: 'orderer.techpulse down' }]);
    expect(data.committed.find((s) => s.node === 'orderer.techpulse')?.points.filter(([t]) => t > 20_000 && t < 70_000)).toEqual([]);
    expect(committedAt('orderer.dataforge', 69_000)).toBeGreaterThan(committedAt('orderer.dataforge', 21_000));
    expect(data.synced.find((s) => s.node === 'orderer.techpulse')?.points[0]?.[0]).toBeGreaterThan(70_000);
  });

  it('node panel: view 1 led by orderer.dataforge; the old leader returns as its follower', () => {
    expect(state('orderer.org3', 19_000)).toMatchObject({ view: 0, leader: 'orderer.techpulse', role: 'follower' });
    expect(state('orderer.dataforge', 69_000)).toMatchObject({ view: 1, leader: 'orderer.dataforge', role: 'leader' });
    expect(state('orderer.techpulse', 119_000)).toMatchObject({ up: true, view: 1, leader: 'orderer.dataforge', role: 'follower' });
  });

  it('between decisions every live orderer is in phase COMMITTED (assists and late votes do not count)', () => {
    for (const node of NAMES.slice(1)) expect(state(node, 19_999)['phase']).toBe('COMMITTED');
  });

  it('the sequence chart has the view change traffic and quorum certificates of Commits from the signers', () => {
    const during = new Set(data.messages.filter((m) => m.sent > 20_000 && m.sent < 70_000).map((m) => m.type));
    for (const t of ['ViewChange', 'ViewData', 'NewView']) expect(during).toContain(t);
    for (const c of data.certificates.filter((c) => c.signers.length > 0)) expect(c.signers.length).toBeGreaterThanOrEqual(3);
    const qc = data.messages.filter((m) => m.certificate);
    expect(qc.length).toBeGreaterThan(0);
    expect(new Set(qc.map((m) => m.type))).toEqual(new Set(['Commit']));
  });
});
