/** calibrate's pure half: percentiles, the commit-time fit, Fabric's log lines, the profile file, the table. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFigures, fitLinear, formatProfile, parseCommitLog, parseRecommitSpan, percentile, ProfileError, readProfile, validateProfile } from '../../src/calibrate/profile.ts';
import { DEFAULT_PROFILE } from '../../src/sim/fabric/profile.ts';

// Lines as a Fabric 3.1.5 peer printed them (colours stripped) during `calibrate`.
const LOG = [
  '2026-12-02 07:49:21.237 UTC 0071 INFO [committer.txvalidator] Validate -> [certchannel] Validated block [5] in 1ms',
  '2026-12-02 07:49:21.245 UTC 0072 INFO [kvledger] commit -> [certchannel] Committed block [5] with 2 transaction(s) in 7ms (state_validation=0ms block_and_pvtdata_commit=6ms state_commit=0ms) commitHash=[5290dd03]',
  '2026-12-02 07:49:22.001 UTC 0073 INFO [committer.txvalidator] Validate -> [certchannel] Validated block [6] in 3ms',
  '2026-12-02 07:49:22.010 UTC 0074 INFO [kvledger] commit -> [certchannel] Committed block [6] with 4 transaction(s) in 11ms (state_validation=1ms block_and_pvtdata_commit=8ms state_commit=2ms) commitHash=[77aa]',
].join('\n');

describe('percentile (nearest rank)', () => {
  it('gives the value at ceil(p% of n) of the sorted values', () => {
    const v = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(v, 50)).toBe(10);
    expect(percentile(v, 95)).toBe(19);
    expect(percentile(v, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('fitLinear', () => {
  it('recovers base + perTx from exact points, and the mean when every block has the same size', () => {
    expect(fitLinear([{ x: 1, y: 5 }, { x: 2, y: 8 }, { x: 4, y: 14 }])).toEqual({ baseMs: 2, perTxMs: 3 });
    expect(fitLinear([{ x: 1, y: 4 }, { x: 1, y: 6 }])).toEqual({ baseMs: 5, perTxMs: 0 });
    expect(fitLinear([])).toEqual({ baseMs: 0, perTxMs: 0 });
  });
});

describe("the peer's log lines", () => {
  it('reads Committed block and Validated block lines and fits each part', () => {
    const { commits, validated } = parseCommitLog(LOG);
    expect(commits).toEqual([
      { block: 5, txs: 2, totalMs: 7, stateValidationMs: 0, blockCommitMs: 6, stateCommitMs: 0 },
      { block: 6, txs: 4, totalMs: 11, stateValidationMs: 1, blockCommitMs: 8, stateCommitMs: 2 },
    ]);
    expect(validated.get(6)).toBe(3);
    const f = commitFigures(commits, validated);
    expect(f.blocks).toBe(2);
    expect(f.validate).toEqual({ baseMs: 0, perTxMs: 1 });
    expect(f.blockCommit).toEqual({ baseMs: 4, perTxMs: 1 });
  });

  it('times the replay from Recommitting lost blocks to Recommitted lost blocks', () => {
    const text = [
      '2026-12-02 07:49:35.866 UTC 0020 INFO [kvledger] recommitLostBlocks -> Recommitting lost blocks - firstBlockNum=0, lastBlockNum=97, recoverables=[]',
      '2026-12-02 07:49:36.001 UTC 0021 INFO [lockbasedtxmgr] CommitLostBlock -> Recommitting block [0] to state database',
    ].join('\n');
    expect(parseRecommitSpan(text)).toBeUndefined();
    const done = `${text}\n2026-12-02 07:49:36.168 UTC 0029 INFO [kvledger] recommitLostBlocks -> Recommitted lost blocks - firstBlockNum=0, lastBlockNum=97, recoverables=[]`;
    expect(parseRecommitSpan(done)).toEqual({ first: 0, last: 97, ms: 302 });
  });
});

describe('the profile file', () => {
  it('accepts the built-in profile and names the first bad field of another', () => {
    expect(validateProfile(DEFAULT_PROFILE, 'default').version).toBe(1);
    const bad = { ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, peerStart: { healthzMs: -1, ledgerReadyMs: 0 } } };
    expect(() => validateProfile(bad, 'p.json')).toThrow(/^p\.json: not a calibration profile at figures\.peerStart\.healthzMs: /);
    expect(() => validateProfile({ version: 2 }, 'p.json')).toThrow(ProfileError);
  });

  it('reads a file: missing, not JSON, and valid each give one line naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibrate-test-'));
    expect(() => readProfile(join(dir, 'none.json'))).toThrow(`${join(dir, 'none.json')}: cannot read the profile: no such file`);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => readProfile(join(dir, 'bad.json'))).toThrow(new RegExp(`^${join(dir, 'bad.json')}: not JSON: `));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(DEFAULT_PROFILE));
    expect(readProfile(join(dir, 'ok.json'))).toEqual(DEFAULT_PROFILE);
  });
});

describe('the printed table', () => {
  it('has a header with the machine and one row per figure', () => {
    const t = formatProfile(DEFAULT_PROFILE);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^calibration profile v1: Fabric 3\.1\.5, \d+ cores /);
    expect(t).toMatch(/submit-to-commit, sequential \(\d+ tx\)\s+p50 \d+ ms, p95 \d+ ms/);
    expect(t).toMatch(/rebuild replay \(\d+ blocks, \d+ tx\)\s+\d+ ms: \d+ blocks\/s/);
    expect(lines.length).toBe(1 + DEFAULT_PROFILE.figures.submitLatency.length * 2 + 11 + DEFAULT_PROFILE.figures.viewChange.length);
  });

  it('says which view change had a transaction submitted at the kill', () => {
    const viewChange = [
      { leaderHeartbeatTimeoutMs: 10_000, submittedAtKill: false, viewChangedMs: 30_641, submitMs: 169 },
      { leaderHeartbeatTimeoutMs: 60_000, submittedAtKill: true, viewChangedMs: 22_445, submitMs: 22_382 },
    ];
    const t = formatProfile({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, viewChange } });
    expect(t).toMatch(/view change, LeaderHeartbeatTimeout=10s, idle\s+new view after 30641 ms; next submit 169 ms/);
    expect(t).toMatch(/view change, LeaderHeartbeatTimeout=60s, submit at the kill\s+new view after 22445 ms; that submit took 22382 ms/);
  });
});
