import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import {
  buildReportData,
  committedSeries,
  consensusMessages,
  faultIntervals,
  heightSeries,
  messageOf,
  replayCommand,
  reportInputOf,
  stateAt,
  stateChanges,
  stepViews,
  timeAxis,
  type ReportInput,
} from '../../src/report/data.ts';
import { ORDERERS, runToy } from './toy.ts';

const O = ['o1', 'o2', 'o3', 'o4'];

function input(records: TraceRecord[], steps: ReportInput['result']['steps'] = []): ReportInput {
  return {
    result: { scenario: 'hand', seed: 1, target: 'sim', passed: true, traceHash: '0', steps },
    records,
    nodes: { orderers: O, peers: ['p1'] },
    quorum: { n: 4, f: 1, q: 3 },
  };
}

describe('report data from a toy kill-orderer run (follower down 1 s..3 s, n=4)', () => {
  const { input: run } = runToy('orderer.dataforge');
  const data = buildReportData(run);
  const victim = 'orderer.dataforge';

  it('shades exactly the outage of the stopped orderer', () => {
    expect(data.faults).toEqual([{ kind: 'crash', node: victim, from: 1000, to: 3000, label: `${victim} down` }]);
    expect(data.focus).toBe(1000);
  });

  it('the committed-block line of the stopped orderer stays flat while down, then catches up with the others', () => {
    const pts = data.committed.find((s) => s.node === victim)?.points ?? [];
    expect(pts.filter(([t]) => t > 1000 && t < 3000)).toEqual([]);
    const others = data.committed.filter((s) => s.node !== victim).map((s) => s.points.at(-1)?.[1]);
    expect(new Set(others).size).toBe(1);
    expect(pts.at(-1)?.[1]).toBe(others[0]);
    // the blocks it missed came by sync, which Fabric's gauge does not show: a marker instead
    const synced = data.synced.find((s) => s.node === victim)?.points ?? [];
    expect(synced.length).toBeGreaterThan(0);
    expect(synced[0]?.[0]).toBeGreaterThanOrEqual(3000);
  });

  it('peer heights rise through the outage (3 of 4 orderers still decide)', () => {
    for (const s of data.heights) {
      const at = (t: number): number => s.points.filter(([pt]) => pt <= t).at(-1)?.[1] ?? 0;
      expect(at(2900)).toBeGreaterThan(at(1000));
    }
  });

  it('messages to the stopped orderer are dropped as "down"; none are delivered to it while down', () => {
    const toVictim = data.messages.filter((m) => m.to === victim && m.sent > 1000 && m.sent < 3000);
    expect(toVictim.length).toBeGreaterThan(0);
    expect(toVictim.every((m) => m.fate === 'down')).toBe(true);
    expect(data.messages.every((m) => ORDERERS.includes(m.from) && ORDERERS.includes(m.to))).toBe(true);
  });

  it('quorum certificates: every decided block has >= Q signers, and the highlighted Commits come from them', () => {
    expect(data.certificates.length).toBeGreaterThan(10);
    for (const c of data.certificates) expect(c.signers.length).toBeGreaterThanOrEqual(3);
    const qc = data.messages.filter((m) => m.certificate);
    expect(qc.length).toBeGreaterThan(0);
    for (const m of qc) {
      expect(m.type).toBe('Commit');
      expect(m.fate).toBe('delivered');
      const decided = data.decisions.find((d) => d.node === m.to && d.seq === m.seq && !d.viaSync);
      expect(decided?.signers).toContain(m.from);
      expect(m.end).toBeLessThanOrEqual(decided?.t ?? -1);
    }
  });

  it('node state: the stopped orderer is down in the middle of the outage and back, caught up, at the end', () => {
    const changes = data.states.find((s) => s.node === victim)?.changes ?? [];
    expect(stateAt(changes, 2000)).toMatchObject({ up: false, role: 'down' });
    const last = stateAt(changes, data.end);
    expect(last).toMatchObject({ up: true, role: 'follower', view: 0, leader: 'orderer.techpulse' });
    const leader = stateAt(data.states.find((s) => s.node === 'orderer.techpulse')?.changes ?? [], data.end);
    expect(last['committed']).toBe(leader['committed']);
  });
});

describe('report data from a toy leader crash (view change, n=4)', () => {
  const data = buildReportData(runToy('orderer.techpulse').input);

  it('the others change view to 1 with orderer.dataforge as leader; the returning node follows', () => {
    for (const node of ['orderer.dataforge', 'orderer.org3', 'orderer.ordering']) {
      const changes = data.states.find((s) => s.node === node)?.changes ?? [];
      expect(stateAt(changes, 900)).toMatchObject({ view: 0, leader: 'orderer.techpulse' });
      expect(stateAt(changes, 2900)).toMatchObject({ view: 1, leader: 'orderer.dataforge' });
    }
    const old = stateAt(data.states.find((s) => s.node === 'orderer.techpulse')?.changes ?? [], data.end);
    expect(old).toMatchObject({ up: true, view: 1, role: 'follower' });
  });

  it('ViewChange and NewView messages appear during the outage', () => {
    const during = data.messages.filter((m) => m.sent > 1000 && m.sent < 3000).map((m) => m.type);
    expect(during).toContain('ViewChange');
    expect(during).toContain('NewView');
  });
});

describe('report data from hand-written traces', () => {
  it('reads a message\'s type, view, sequence and digest from its send record\'s fields, never from its description', () => {
    expect(messageOf({ t: 0, k: 'send', id: 1, from: 'o1', to: 'o2', m: 'anything', msg: { type: 'PrePrepare', view: 0, seq: 4, digest: 'c038' } })).toEqual({ type: 'PrePrepare', view: 0, seq: 4, digest: 'c038', flags: [] });
    expect(messageOf({ t: 0, k: 'send', id: 1, from: 'o1', to: 'o2', m: 'Commit v0 s2 assist', msg: { type: 'Commit', view: 0, seq: 2, flags: ['assist'] } })).toMatchObject({ flags: ['assist'] });
    // without fields the description is the type, whole: it is not parsed
    expect(messageOf({ t: 0, k: 'send', id: 1, from: 'o1', to: 'o2', m: 'PrePrepare v0 s5' })).toEqual({ type: 'PrePrepare v0 s5', view: null, seq: null, digest: null, flags: [] });
  });

  it('partition and cut from fault records until a heal; Byzantine on/off from the node\'s facts; an unfinished crash runs to the end', () => {
    const data = faultIntervals(
      input([
        { t: 10, k: 'fault', fault: 'partition', groups: [['o1'], ['o2', 'o3', 'o4']], text: 'partition [["o1"],["o2","o3","o4"]]' },
        { t: 20, k: 'event', node: 'o3', e: { type: 'bft.byzantine', behaviour: 'equivocate' } },
        { t: 30, k: 'fault', fault: 'heal', text: 'heal' },
        { t: 35, k: 'fault', fault: 'cut', from: ['o4'], to: ['o1'], text: 'cut ["o4"] -> ["o1"]' },
        { t: 40, k: 'event', node: 'o3', e: { type: 'bft.byzantine', behaviour: null } },
        { t: 45, k: 'fault', fault: 'heal', text: 'heal' },
        { t: 50, k: 'event', node: 'o2', e: { type: 'orderer.byzantine', behaviour: 'censorDeliver' } },
        { t: 60, k: 'crash', node: 'p1' },
        // free text is never read: neither a note nor a command label makes a fault
        { t: 70, k: 'note', text: 'partition [o1] | [o2 o3 o4]' },
        { t: 75, k: 'command', node: 'o4', c: 'byzantine silent' },
        { t: 90, k: 'note', text: 'end' },
      ]),
    );
    expect(data).toEqual([
      { kind: 'partition', node: null, from: 10, to: 30, label: 'partition [["o1"],["o2","o3","o4"]]' },
      { kind: 'byzantine', node: 'o3', from: 20, to: 40, label: 'o3 byzantine equivocate' },
      { kind: 'partition', node: null, from: 35, to: 45, label: 'cut ["o4"] -> ["o1"]' },
      { kind: 'byzantine', node: 'o2', from: 50, to: 90, label: 'o2 byzantine censorDeliver' },
      { kind: 'crash', node: 'p1', from: 60, to: 90, label: 'p1 down' },
    ]);
  });

  it('Byzantine intervals from the node\'s bft.byzantine facts; a command label is not read', () => {
    const inp = input([
      { t: 5, k: 'command', node: 'o1', c: 'byzantine' },
      { t: 5, k: 'event', node: 'o1', e: { type: 'bft.byzantine', behaviour: 'equivocate' } },
      { t: 25, k: 'command', node: 'o1', c: 'byzantine' },
      { t: 25, k: 'event', node: 'o1', e: { type: 'bft.byzantine', behaviour: null } },
      { t: 50, k: 'note', text: 'end' },
    ]);
    expect(faultIntervals(inp)).toEqual([{ kind: 'byzantine', node: 'o1', from: 5, to: 25, label: 'o1 byzantine equivocate' }]);
  });

  it('never takes faults from the runner\'s step names', () => {
    const inp = input([{ t: 100, k: 'note', text: 'end' }], [
      { op: 'partition', name: 'partition [o1] | [o2, o3, o4]', ok: true, at: 10 },
      { op: 'byzantine', name: 'byzantine o2 equivocate', ok: true, at: 20 },
    ]);
    expect(faultIntervals(inp)).toEqual([]);
  });

  it('marks messages a Byzantine sender sent, drops with their reason, duplicates, and what is still in flight', () => {
    const msgs = consensusMessages(
      input([
        { t: 0, k: 'send', id: 1, from: 'o1', to: 'o2', m: 'Prepare v0 s1', msg: { type: 'Prepare', view: 0, seq: 1 } },
        { t: 1, k: 'event', node: 'o1', e: { type: 'bft.byzantine', behaviour: 'corrupt' } },
        { t: 2, k: 'send', id: 2, from: 'o1', to: 'o2', m: 'Prepare v0 s2', msg: { type: 'Prepare', view: 0, seq: 2 } },
        { t: 2, k: 'send', id: 3, from: 'o2', to: 'o3', m: 'Commit v0 s2', msg: { type: 'Commit', view: 0, seq: 2 } },
        { t: 2, k: 'drop', id: 3, from: 'o2', to: 'o3', m: 'Commit v0 s2', reason: 'partition' },
        { t: 3, k: 'deliver', id: 1, from: 'o1', to: 'o2', m: 'Prepare v0 s1' },
        { t: 4, k: 'deliver', id: 1, from: 'o1', to: 'o2', m: 'Prepare v0 s1' },
        { t: 4, k: 'send', id: 4, from: 'o2', to: 'p1', m: 'Block 1' },
        { t: 9, k: 'note', text: 'end' },
      ]),
    );
    expect(msgs.map((m) => [m.id, m.fate, m.byzantine, m.duplicated, m.end])).toEqual([
      [1, 'delivered', false, true, 3],
      [2, 'in-flight', true, false, 9],
      [3, 'partition', false, false, 2],
    ]);
  });

  it('falls back to bft.decided (numeric signers are consenter ids) and peer.committed when no gauges are emitted', () => {
    const inp = input([
      { t: 5, k: 'event', node: 'o2', e: { type: 'bft.decided', seq: 1, digest: 'a', view: 0, signers: [1, 2, 4], viaSync: false } },
      { t: 6, k: 'event', node: 'o3', e: { type: 'bft.decided', seq: 1, digest: 'a', view: 0, signers: [1, 2, 3], viaSync: true } },
      { t: 7, k: 'event', node: 'p1', e: { type: 'peer.committed', block: 1, hash: 'h', txCount: 1 } },
    ]);
    expect(committedSeries(inp).map((s) => s.points)).toEqual([[], [[5, 1]], [], []]);
    expect(heightSeries(inp)).toEqual([{ node: 'p1', points: [[7, 2]] }]);
    const data = buildReportData(inp);
    expect(data.certificates).toEqual([{ seq: 1, t: 5, view: 0, digest: 'a', signers: ['o1', 'o2', 'o4'], decidedBy: ['o2', 'o3'] }]);
  });

  it('node state from SmartBFT gauges and log lines: view, leader (consenter id), phase, WAL entries', () => {
    const changes = stateChanges(
      input([
        { t: 1, k: 'event', node: 'o2', e: { type: 'metric', name: 'consensus_smartbft_view_number', value: 1 } },
        { t: 1, k: 'event', node: 'o2', e: { type: 'metric', name: 'consensus_smartbft_view_leader_id', value: 2 } },
        { t: 2, k: 'event', node: 'o2', e: { type: 'metric', name: 'consensus_smartbft_view_phase', value: 2 } },
        { t: 3, k: 'crash', node: 'o2' },
        { t: 4, k: 'restart', node: 'o2' },
        { t: 4, k: 'event', node: 'o2', e: { type: 'log', kind: 'smartbft.walContains', args: [2] } },
        { t: 5, k: 'event', node: 'o2', e: { type: 'log', kind: 'smartbft.startView', args: [1, 8, 0] } },
      ]),
    ).find((s) => s.node === 'o2')?.changes ?? [];
    expect(stateAt(changes, 2)).toEqual({ up: true, view: 1, leader: 'o2', phase: 'PREPARED' });
    expect(stateAt(changes, 3)).toMatchObject({ up: false, role: 'down' });
    expect(stateAt(changes, 5)).toEqual({ up: true, role: 'starting', view: 1, leader: 'o2', phase: 'COMMITTED', seq: 8, wal: 2 });
  });

  it('node state: ChangeRole names role and leader; the stale Fabric leader gauge does not override the view leader', () => {
    const changes = stateChanges(
      input([
        { t: 1, k: 'event', node: 'o3', e: { type: 'metric', name: 'consensus_smartbft_view_leader_id', value: 2 } },
        { t: 1, k: 'event', node: 'o3', e: { type: 'log', kind: 'smartbft.changeRole', args: ['follower', 1, 2] } },
        { t: 2, k: 'event', node: 'o3', e: { type: 'metric', name: 'consensus_BFT_leader_id', value: 1 } },
        { t: 2, k: 'event', node: 'o3', e: { type: 'metric', name: 'consensus_BFT_is_leader', value: 1 } },
      ]),
    ).find((s) => s.node === 'o3')?.changes ?? [];
    expect(stateAt(changes, 2)).toEqual({ up: true, role: 'follower', view: 1, leader: 'o2' });
  });

  it('steps keep their outcome and explain a failure in one line', () => {
    expect(
      stepViews({
        scenario: 's', seed: 1, target: 'sim', passed: false, traceHash: '0',
        steps: [
          { index: 0, op: 'stop', name: 'stop orderer.dataforge', ok: true, at: 10 },
          { index: 1, op: 'expect', ok: false, value: 3, expected: 4, error: 'height mismatch' },
        ],
      }),
    ).toEqual([
      { index: 0, op: 'stop', name: 'stop orderer.dataforge', ok: true, at: 10, detail: '' },
      { index: 1, op: 'expect', name: 'expect', ok: false, at: null, detail: 'got 3; expected 4; height mismatch' },
    ]);
  });

  it('a failed expectation that did not fail the run is carried as a warning', () => {
    const checks = [
      { name: 'block hashes agree with the orderers', ok: true, detail: 'ok' },
      { name: 'peers converge to the orderers height', ok: false, detail: 'peer1 stayed at height 3', warning: true },
    ];
    const inp = reportInputOf({ scenario: 's', seed: 1, target: 'sim', passed: true, steps: [], checks }, [], { orderers: ['o1', 'o2', 'o3', 'o4'], peers: ['p1'] });
    expect(buildReportData(inp).checks).toEqual([
      { name: 'block hashes agree with the orderers', ok: true, detail: 'ok' },
      { name: 'peers converge to the orderers height', ok: false, detail: 'peer1 stayed at height 3', warning: true },
    ]);
  });

  it('reportInputOf takes n, f and Q from the orderer count (n=6: f=1, Q=4)', () => {
    const six = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
    const inp = reportInputOf({ scenario: 's', seed: 1, target: 'sim', passed: true, steps: [] }, [], { orderers: six, peers: ['p1'] });
    expect(inp.quorum).toEqual({ n: 6, f: 1, q: 4 });
    expect(buildReportData(inp).quorum).toEqual({ n: 6, f: 1, q: 4, intersection: 2 });
  });

  it('CouchDB containers stopped and started (SimCluster stop/start faults) are shaded as down', () => {
    const faults = faultIntervals(
      input([
        { t: 10, k: 'fault', fault: 'stop', node: 'couchdb.techpulse', text: 'couchdb couchdb.techpulse stopped' },
        { t: 12, k: 'fault', fault: 'panic', node: 'peer0.techpulse', reason: 'its state database couchdb.techpulse is unreachable', text: 'peer0.techpulse panics: its state database couchdb.techpulse is unreachable' },
        { t: 30, k: 'fault', fault: 'start', node: 'couchdb.techpulse', text: 'couchdb couchdb.techpulse started' },
        { t: 40, k: 'note', text: 'couchdb couchdb.techpulse stopped' },
      ]),
    );
    expect(faults).toEqual([{ kind: 'crash', node: 'couchdb.techpulse', from: 10, to: 30, label: 'couchdb.techpulse down' }]);
  });

  it('time axis: linear when the run is busy throughout', () => {
    const times = Array.from({ length: 50 }, (_, i) => i * 100);
    expect(timeAxis(times, 5000)).toEqual([{ from: 0, to: 5000, compressed: false, share: 1 }]);
  });

  it('time axis: a 100 ms outage before a 15 s quiet wait keeps a visible share; quiet stretches hold no event', () => {
    const times = [0, 50, 100, 176, 200, 286, 300, 5287, 5290, 15_294, 15_787];
    const axis = timeAxis(times, 15_800);
    expect(axis.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 9);
    expect(axis[0]).toMatchObject({ from: 0, compressed: false });
    expect(axis.at(-1)).toMatchObject({ to: 15_800, compressed: false });
    for (let i = 1; i < axis.length; i++) expect(axis[i]?.from).toBe(axis[i - 1]?.to);
    const quiet = axis.filter((a) => a.compressed);
    expect(quiet.length).toBe(2);
    for (const q of quiet) expect(times.filter((t) => t > q.from && t < q.to)).toEqual([]);
    // the first 300 ms (2% of the run) get far more than 2% of the width
    expect(axis[0]?.share).toBeGreaterThan(0.2);
  });

  it('rejects a node listed twice with a clear message', () => {
    const bad = { ...input([]), nodes: { orderers: ['o1', 'o1'], peers: [] } };
    expect(() => buildReportData(bad)).toThrow('report: node "o1" is listed twice');
  });
});

describe('replayCommand: the command printed in the report header', () => {
  const base = (scenario: string, orderers: number, replay?: string): ReportInput => ({
    result: { scenario, seed: 7, target: 'sim', passed: false, steps: [] },
    records: [],
    nodes: { orderers: Array.from({ length: orderers }, (_, i) => `o${i + 1}`), peers: [] },
    quorum: { n: orderers, f: 0, q: orderers },
    ...(replay !== undefined ? { replay } : {}),
  });

  it('a built-in at its default size: its name and the seed', () => {
    expect(replayCommand(base('kill-orderer', 4))).toBe('fabric-bft-sim run kill-orderer --seed 7');
  });

  it('a built-in run with --orderers 7: the flag is part of the replay', () => {
    expect(replayCommand(base('leader-crash', 7))).toBe('fabric-bft-sim run leader-crash --seed 7 --orderers 7');
  });

  it('a scenario from a file whose path the report was not told: the file, never the name as a built-in', () => {
    expect(replayCommand(base('orderer-and-peer-outage', 7))).toBe('fabric-bft-sim run <the file of scenario "orderer-and-peer-outage"> --seed 7');
  });

  it("the producer's own command when given (run --report passes the file path)", () => {
    const cmd = 'fabric-bft-sim run examples/orderer-and-peer-outage.yaml --seed 7';
    expect(replayCommand(base('orderer-and-peer-outage', 7, cmd))).toBe(cmd);
    expect(buildReportData(base('orderer-and-peer-outage', 7, cmd)).replay).toBe(cmd);
  });
});
