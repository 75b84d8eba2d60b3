/**
 * figures.wal: the orderers' WAL appends, read off the real orderers' SmartBFT DEBUG lines
 * (`parseWalAppendSpans`), validated as an optional figure in every profile version, and
 * charged by the model before each vote its View saves (SmartBftConfig.WalAppendMs).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWalAppendSpans, profileRows, validateProfile, walFigure } from '../../src/calibrate/profile.ts';
import { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { costModelOf, DEFAULT_PROFILE, type CalibrationProfile } from '../../src/sim/fabric/profile.ts';

// Lines as orderer.techpulse (the leader) and orderer.dataforge printed them in a real
// beyond-f run (2026-12-03 18:44, SmartBFT at DEBUG), colours and all: the leader's
// ProposedRecord (its PrePrepare's sends come between the append and `Processed proposal`),
// its Commit record, and a view change's record, which has no start line.
const FIXTURE = readFileSync(new URL('fixtures/wal-append.txt', import.meta.url), 'utf8');

const at = (hms: string): number => Date.parse(`2026-12-03T${hms}Z`);

describe('parseWalAppendSpans', () => {
  it("from the View's line before the save to `LogRecord appended`, for a ProposedRecord and a Commit; a view change's append is not counted", () => {
    expect(parseWalAppendSpans(FIXTURE)).toEqual([
      { kind: 'proposal', seq: 1, at: at('18:44:45.441'), ms: 1 },
      { kind: 'commit', seq: 1, at: at('18:44:45.458'), ms: 4 },
    ]);
  });

  it('an append that the View\'s own `Processed ...` line does not follow before the next append is not counted', () => {
    const lines = FIXTURE.split('\n');
    const noProcessed = lines.filter((l) => !l.includes('Processed proposal')).join('\n');
    expect(parseWalAppendSpans(noProcessed).map((s) => s.kind)).toEqual(['commit']);
  });

  it('figures.wal: nearest-rank p50 and p95 of all the appends and of each kind; none gives no figure', () => {
    const spans = [1, 2, 2, 3, 12].map((ms, i) => ({ kind: i % 2 === 0 ? ('proposal' as const) : ('commit' as const), seq: i, at: 0, ms }));
    const w = walFigure(spans, '2026-12-03T20:00:00.000Z', [1.234, 0.5, 0.25], 'test');
    expect(w).toEqual({
      appendP50Ms: 2,
      appendP95Ms: 12,
      samples: 5,
      proposal: { samples: 3, p50Ms: 2, p95Ms: 12 },
      commit: { samples: 2, p50Ms: 2, p95Ms: 3 },
      at: '2026-12-03T20:00:00.000Z',
      loadavg: [1.23, 0.5, 0.25],
      how: 'test',
    });
    expect(walFigure([], 'x', [0, 0, 0], 'x')).toBeUndefined();
  });
});

const WAL: NonNullable<CalibrationProfile['figures']['wal']> = { appendP50Ms: 4, appendP95Ms: 13, samples: 724, at: '2026-12-03T18:57:00.000Z', loadavg: [0.6, 1.5, 2.5], how: 'test' };
const withWal = (p: CalibrationProfile, wal: CalibrationProfile['figures']['wal']): CalibrationProfile => {
  const { wal: _w, ...figures } = p.figures;
  return { ...p, figures: wal === undefined ? figures : { ...figures, wal } };
};

describe('figures.wal in the profile', () => {
  it('is optional in every version: a v1, v2 and v3 profile is valid with and without it', () => {
    const { ordererCpu: _c, concurrency: _k, ...v1figures } = DEFAULT_PROFILE.figures;
    const { rest: _r, ...v1commit } = DEFAULT_PROFILE.figures.commit;
    const v1: CalibrationProfile = { ...DEFAULT_PROFILE, version: 1, figures: { ...v1figures, commit: v1commit } };
    const v2: CalibrationProfile = { ...DEFAULT_PROFILE, version: 2, figures: { ...v1figures, commit: v1commit, ordererCpu: DEFAULT_PROFILE.figures.ordererCpu! } };
    for (const p of [v1, v2, DEFAULT_PROFILE]) {
      expect(validateProfile(withWal(p, undefined), 'test').figures.wal).toBeUndefined();
      expect(validateProfile(withWal(p, WAL), 'test').figures.wal).toEqual(WAL);
    }
  });

  it('a negative append time, no samples or an unknown field is named', () => {
    expect(() => validateProfile(withWal(DEFAULT_PROFILE, { ...WAL, appendP50Ms: -1 }), 'p.json')).toThrow('p.json: not a calibration profile at figures.wal.appendP50Ms');
    expect(() => validateProfile(withWal(DEFAULT_PROFILE, { ...WAL, samples: 0 }), 'p.json')).toThrow('at figures.wal.samples');
    expect(() => validateProfile({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, wal: { ...WAL, fsyncMs: 1 } } }, 'p.json')).toThrow('at figures.wal');
  });

  it('calibrate prints it', () => {
    const rows = profileRows(withWal(DEFAULT_PROFILE, WAL));
    expect(rows).toContainEqual(['orderer WAL append (724 appends)', 'p50 4 ms, p95 13 ms (the write and its fsync before a vote is sent)']);
    expect(profileRows(withWal(DEFAULT_PROFILE, undefined)).map((r) => r[0])).not.toContain('orderer WAL append (724 appends)');
  });

  it('the cost model takes appendP50Ms, 0 without the figure', () => {
    expect(costModelOf(withWal(DEFAULT_PROFILE, WAL)).ordererWalAppendMs).toBe(4);
    expect(costModelOf(withWal(DEFAULT_PROFILE, undefined)).ordererWalAppendMs).toBe(0);
  });
});

describe('the model charges figures.wal at the orderers', () => {
  /** The span the real Commit record's append sits in, read off the model's INFO lines: `N collected K prepares` to `Processed prepares ...`. */
  async function commitSaveSpans(p: CalibrationProfile): Promise<number[]> {
    const c = await SimCluster.create({ seed: 1, keep: { logs: true }, profile: p });
    for (let i = 0; i < 10; i++) {
      await c.issueCertificate('techpulse', { certID: `WAL-${i}`, studentID: 's@techpulse.demo', studentName: 'A', courseID: 'C', courseName: 'C', issueDate: '2026-01-01', expiryDate: '2028-01-01' });
    }
    const spans: number[] = [];
    for (const n of ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering']) {
      let collected: number | undefined;
      for (const l of await c.logs(n)) {
        const t = /^(\S+) (\S+) UTC/.exec(l.text);
        if (t === null) continue;
        const ms = Date.parse(`${t[1]}T${t[2]}Z`);
        if (/ collected \d+ prepares from /.test(l.text)) collected = ms;
        else if (/Processed prepares for proposal with seq/.test(l.text) && collected !== undefined) {
          spans.push(ms - collected);
          collected = undefined;
        }
      }
    }
    return spans;
  }

  it('each orderer sends its Commit appendP50Ms after it collected the prepares; without the figure in the same instant', async () => {
    const without = await commitSaveSpans(withWal(DEFAULT_PROFILE, undefined));
    expect(without.length).toBeGreaterThanOrEqual(40);
    expect(new Set(without)).toEqual(new Set([0]));
    const withFigure = await commitSaveSpans(withWal(DEFAULT_PROFILE, WAL));
    expect(withFigure.length).toBeGreaterThanOrEqual(40);
    expect(new Set(withFigure)).toEqual(new Set([WAL.appendP50Ms]));
  });
});
