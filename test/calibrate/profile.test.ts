/** calibrate's pure half: percentiles, the commit-time fit, Fabric's log lines, the profile file, the table. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFigures, fitLinear, fitTheilSen, formatProfile, median, ordererCpuFigure, ordererSyncFigure, parseCommitLog, parseOrdererSyncSpans, parseRecommitSpan, percentile, ProfileError, readProfile, sumMetric, validateProfile } from '../../src/calibrate/profile.ts';
import { procCpuMs } from '../../src/local/procs.ts';
import { costModelOf, DEFAULT_PROFILE, type CalibrationProfile } from '../../src/sim/fabric/profile.ts';

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

describe('fitTheilSen (median of pairwise slopes)', () => {
  it('recovers an exact line, and the median when every block has the same size', () => {
    expect(fitTheilSen([{ x: 1, y: 5 }, { x: 2, y: 8 }, { x: 4, y: 14 }, { x: 8, y: 26 }])).toEqual({ baseMs: 2, perTxMs: 3 });
    expect(fitTheilSen([{ x: 1, y: 4 }, { x: 1, y: 6 }, { x: 1, y: 100 }])).toEqual({ baseMs: 6, perTxMs: 0 });
    expect(fitTheilSen([])).toEqual({ baseMs: 0, perTxMs: 0 });
  });

  it('is not moved by a few slow blocks that swing least squares', () => {
    // 7 ms + 0.5 ms a transaction, blocks of 1..20 transactions, and 3 blocks of 200 ms (a stalled fsync).
    const line = Array.from({ length: 20 }, (_, i) => ({ x: i + 1, y: 7 + 0.5 * (i + 1) }));
    const noisy = [...line, { x: 1, y: 200 }, { x: 2, y: 200 }, { x: 20, y: 200 }];
    expect(fitTheilSen(noisy)).toEqual({ baseMs: 7, perTxMs: 0.5 });
    const ls = fitLinear(noisy);
    expect(Math.abs(ls.baseMs - 7) + Math.abs(ls.perTxMs - 0.5)).toBeGreaterThan(10);
  });

  it('never gives a negative slope or base (a cost)', () => {
    expect(fitTheilSen([{ x: 1, y: 9 }, { x: 2, y: 6 }, { x: 3, y: 3 }])).toEqual({ baseMs: 6, perTxMs: 0 });
    expect(fitTheilSen([{ x: 10, y: 1 }, { x: 20, y: 11 }])).toEqual({ baseMs: 0, perTxMs: 1 });
  });

  it('median: the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
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
    // The total's fit (3 + 2 ms/tx) less the parts' fits (0 + 0.5, 4 + 1, 0 + 1 ms/tx): 0 ms + 0 ms/tx, never negative.
    expect(f.stateValidation).toEqual({ baseMs: 0, perTxMs: 0.5 });
    expect(f.stateCommit).toEqual({ baseMs: 0, perTxMs: 1 });
    expect(f.rest).toEqual({ baseMs: 0, perTxMs: 0 });
  });

  it("fits the rest as the total's fit less the parts' fits: the history database and the parts' truncation to whole ms", () => {
    // Every block: parts 1 + 3 + 1 ms whatever its size, total 8 + 0.5 ms a transaction.
    const commits = [1, 2, 3, 4, 6, 10].map((k, i) => ({ block: i + 7, txs: k, totalMs: 8 + 0.5 * k, stateValidationMs: 1, blockCommitMs: 3, stateCommitMs: 1 }));
    const f = commitFigures(commits, new Map());
    expect(f.rest).toEqual({ baseMs: 3, perTxMs: 0.5 });
    expect(f.validate).toEqual({ baseMs: 0, perTxMs: 0 });
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

describe("an orderer's sync, from its log (figures.ordererSync)", () => {
  // Lines as Fabric 3.1.5 prints them (colours included), from a real orderer's log of 2026-12-03.
  const C = (level: string) => `\x1b[34m${level}\x1b[0m`;
  const log = [
    `\x1b[33m2026-12-03 08:04:11.524 UTC 0043 WARN\x1b[0m [orderer.consensus.smartbft.consensus] \x1b[33;1mfollowerTick\x1b[0m -> Syncing since the follower with seq 9 is behind the leader for the last 10 ticks channel=certchannel`,
    `2026-12-03 08:04:11.602 UTC 0044 ${C('INFO')} [orderer.consensus.smartbft.chain] detectTargetHeight -> HeightsByEndpoints: map[127.0.0.1:33050:11 127.0.0.1:33053:9], my endpoint: 127.0.0.1:33053 channel=certchannel`,
    '2026-12-03 08:04:11.602 UTC 0045 INFO [orderer.consensus.smartbft.chain] detectTargetHeight -> Detected target height: 11 channel=certchannel',
    '2026-12-03 08:04:11.652 UTC 004f INFO [orderer.consensus.smartbft.chain] getBlocksFromSyncBuffer -> Finished synchronizing with cluster, fetched 2 blocks, starting from block [9], up until and including block [10] channel=certchannel',
    // A sync started by a view change (nothing at INFO before it): a pull, no probe.
    '2026-12-03 08:06:34.858 UTC 004c INFO [orderer.consensus.smartbft.chain] detectTargetHeight -> HeightsByEndpoints: map[127.0.0.1:33050:10], my endpoint: 127.0.0.1:33056 channel=certchannel',
    '2026-12-03 08:06:34.943 UTC 0053 INFO [orderer.consensus.smartbft.chain] getBlocksFromSyncBuffer -> Finished synchronizing with cluster, fetched 3 blocks, starting from block [7], up until and including block [9] channel=certchannel',
    // Started by f+1 votes, but found nothing to fetch (no Finished line): not a span.
    '2026-12-03 08:07:17.383 UTC 0031 WARN [orderer.consensus.smartbft.consensus] discoverIfSyncNeeded -> Seen 2 votes for digest 325df5 in view 0, sequence 11 but I am in view 0 and seq 10 channel=certchannel',
    '2026-12-03 08:07:17.409 UTC 0032 INFO [orderer.consensus.smartbft.chain] detectTargetHeight -> HeightsByEndpoints: map[127.0.0.1:33050:12], my endpoint: 127.0.0.1:33053 channel=certchannel',
  ].join('\n');

  it('probe: from the line that started the sync to HeightsByEndpoints; pull: from there to Finished synchronizing', () => {
    expect(parseOrdererSyncSpans(log)).toEqual([
      { at: Date.parse('2026-12-03T08:04:11.602Z'), probeMs: 78, pullMs: 50 },
      { at: Date.parse('2026-12-03T08:06:34.858Z'), probeMs: undefined, pullMs: 85 },
    ]);
  });

  it('a start line more than 1 s before the heights is not this sync\'s start', () => {
    const late = log.replace('08:04:11.524', '08:04:10.500');
    expect(parseOrdererSyncSpans(late)[0]).toMatchObject({ probeMs: undefined, pullMs: 50 });
  });

  it('figures.ordererSync: the nearest-rank medians of the probes there are and of every pull; none without a probe', () => {
    const spans = parseOrdererSyncSpans(log);
    const y = ordererSyncFigure([...spans, { at: 0, probeMs: 30, pullMs: 20 }, { at: 0, probeMs: 90, pullMs: 60 }], '2026-12-03T11:50:00.000Z', [1.234, 0.5, 0.25]);
    expect(y).toMatchObject({ probeMs: 78, pullMs: 50, probeSamplesMs: [78, 30, 90], pullSamplesMs: [50, 85, 20, 60], loadavg: [1.23, 0.5, 0.25] });
    expect(validateProfile({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, ordererSync: y } }, 'test').figures.ordererSync).toEqual(y);
    expect(ordererSyncFigure([{ at: 0, probeMs: undefined, pullMs: 85 }], 'x', [0, 0, 0])).toBeUndefined();
  });

  it('the built-in profile\'s figure is the median of its samples', () => {
    const y = DEFAULT_PROFILE.figures.ordererSync!;
    expect(y.probeMs).toBe(percentile(y.probeSamplesMs, 50));
    expect(y.pullMs).toBe(percentile(y.pullSamplesMs, 50));
  });
});

describe('the profile file', () => {
  it('accepts the built-in profile and names the first bad field of another', () => {
    expect(validateProfile(DEFAULT_PROFILE, 'default').version).toBe(3);
    const bad = { ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, peerStart: { healthzMs: -1, ledgerReadyMs: 0 } } };
    expect(() => validateProfile(bad, 'p.json')).toThrow(/^p\.json: not a calibration profile at figures\.peerStart\.healthzMs: /);
    expect(() => validateProfile({ version: 3 }, 'p.json')).toThrow(ProfileError);
  });

  it("the built-in orderer start is the median of the starts calibrate timed, each listed", () => {
    const o = DEFAULT_PROFILE.figures.ordererStart;
    expect(o.samplesMs?.length).toBe(3);
    expect(o.healthzMs).toBe(median([...(o.samplesMs ?? [])]));
    expect(costModelOf(DEFAULT_PROFILE).ordererStartMs).toBe(o.healthzMs);
    const badSamples = { ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, ordererStart: { ...o, samplesMs: [] } } };
    expect(() => validateProfile(badSamples, 'p.json')).toThrow(/figures\.ordererStart\.samplesMs/);
  });

  it('reads a version 2 profile (no closed-loop phases, no commit rest: the model charges none), and each version has exactly its figures', () => {
    const { concurrency, ...v2figures } = DEFAULT_PROFILE.figures;
    const { rest, ...v2commit } = DEFAULT_PROFILE.figures.commit;
    const v2: CalibrationProfile = { ...DEFAULT_PROFILE, version: 2, figures: { ...v2figures, commit: v2commit } };
    expect(validateProfile(JSON.parse(JSON.stringify(v2)), 'v2.json').version).toBe(2);
    expect(costModelOf(v2).commit.rest).toEqual({ baseMs: 0, perTxMs: 0 });
    expect(costModelOf(DEFAULT_PROFILE).commit.rest).toEqual(rest);
    expect(concurrency?.map((c) => c.clientsPerOrg)).toEqual([1, 2, 4, 8]);
    expect(() => validateProfile({ ...v2, version: 3 }, 'p.json')).toThrow(/^p\.json: not a calibration profile at figures\.concurrency: figures\.concurrency is what version 3 adds/);
    expect(() => validateProfile({ ...v2, version: 3, figures: { ...v2.figures, concurrency } }, 'p.json')).toThrow(/at figures\.commit\.rest: figures\.commit\.rest is what version 3 adds/);
    expect(() => validateProfile({ ...DEFAULT_PROFILE, version: 2 }, 'p.json')).toThrow(/at figures\.concurrency: /);
  });

  it("a submit's endorsement costs half its measured endorse call less two network round trips (two rounds); without the figure, what an evaluate's does", () => {
    const f = DEFAULT_PROFILE.figures;
    expect(f.endorse?.count).toBe(20);
    const at = (endorseP50: number | undefined, evaluateP50 = 6): { endorseMs: number; submitEndorseMs: number } => {
      const { endorse: _e, ...rest } = f;
      const figures = endorseP50 === undefined ? rest : { ...rest, endorse: { count: 20, p50Ms: endorseP50, p95Ms: endorseP50 } };
      const m = costModelOf({ ...DEFAULT_PROFILE, figures: { ...figures, evaluate: { count: 20, p50Ms: evaluateP50, p95Ms: evaluateP50 } } });
      return { endorseMs: m.endorseMs, submitEndorseMs: m.submitEndorseMs };
    };
    // evaluate: one round trip of 4 ms plus one endorsement; endorse: two of each.
    expect(at(20)).toEqual({ endorseMs: 2, submitEndorseMs: 6 });
    expect(at(5)).toEqual({ endorseMs: 2, submitEndorseMs: 0 });
    expect(at(undefined)).toEqual({ endorseMs: 2, submitEndorseMs: 2 });
    expect(() => validateProfile({ ...DEFAULT_PROFILE, figures: { ...f, endorse: { count: 0, p50Ms: 1, p95Ms: 1 } } }, 'p.json')).toThrow(/at figures\.endorse\.count: /);
  });

  it('a measurement that timed out (NaN, written by JSON as null) is not a profile', () => {
    const vc = DEFAULT_PROFILE.figures.viewChange.map((v, i) => (i === 0 ? { ...v, viewChangedMs: Number.NaN } : v));
    const timedOut = JSON.parse(JSON.stringify({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, viewChange: vc } }));
    expect(() => validateProfile(timedOut, 'the measured profile')).toThrow(/at figures\.viewChange\.0\.viewChangedMs: /);
  });

  it('still reads a version 1 profile (no orderer CPU figure: its orderers spend nothing on a message), and each version has exactly its figures', () => {
    const { ordererCpu, concurrency: _c, ...v1figures } = DEFAULT_PROFILE.figures;
    const { rest: _r, ...v1commit } = DEFAULT_PROFILE.figures.commit;
    const v1: CalibrationProfile = { ...DEFAULT_PROFILE, version: 1, figures: { ...v1figures, commit: v1commit } };
    expect(validateProfile(JSON.parse(JSON.stringify(v1)), 'v1.json').version).toBe(1);
    expect(costModelOf(v1).ordererPerMessageMs).toBe(0);
    expect(costModelOf(DEFAULT_PROFILE).ordererPerMessageMs).toBe(ordererCpu?.perMessageMs);
    expect(() => validateProfile({ ...v1, version: 2 }, 'p.json')).toThrow(/^p\.json: not a calibration profile at figures\.ordererCpu: figures\.ordererCpu is what version 2 adds/);
    expect(() => validateProfile({ ...DEFAULT_PROFILE, version: 1 }, 'p.json')).toThrow(/at figures\.ordererCpu: /);
  });

  it('reads a file: missing, not JSON, and valid each give one line naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibrate-test-'));
    expect(() => readProfile(join(dir, 'none.json'))).toThrow(`${join(dir, 'none.json')}: cannot read the profile: no such file`);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => readProfile(join(dir, 'bad.json'))).toThrow(new RegExp(`^${join(dir, 'bad.json')}: not JSON: `));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(DEFAULT_PROFILE));
    try {
      expect(readProfile(join(dir, 'ok.json'))).toEqual(DEFAULT_PROFILE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the orderers' CPU per message", () => {
  // As a Fabric 3.1.5 orderer's /metrics printed them during `calibrate` (cluster/metrics.go MessageSendTimeOpts).
  const METRICS = [
    '# HELP cluster_comm_msg_send_time The time it takes to send a message in seconds.',
    'cluster_comm_msg_send_time_bucket{channel="certchannel",host="127.0.0.1:17003",le="0.005"} 17',
    'cluster_comm_msg_send_time_sum{channel="certchannel",host="127.0.0.1:17003"} 0.0012',
    'cluster_comm_msg_send_time_count{channel="certchannel",host="127.0.0.1:17003"} 17',
    'cluster_comm_msg_send_time_count{channel="certchannel",host="127.0.0.1:17006"} 18',
    'cluster_comm_msg_send_time_count{channel="other",host="127.0.0.1:17006"} 100',
    'cluster_comm_msg_send_time_count{channel="certchannel",host="127.0.0.1:17009"} 18',
  ].join('\n');

  it("sums a histogram's count over the channel's series only", () => {
    expect(sumMetric(METRICS, 'cluster_comm_msg_send_time_count', 'certchannel')).toBe(53);
    expect(sumMetric(METRICS, 'no_such_metric', 'certchannel')).toBe(0);
  });

  it('divides the CPU time by the cluster messages plus one broadcast per transaction and orderer', () => {
    const f = ordererCpuFigure({ wallMs: 14_000.4, cpuMs: 3870, clusterMessages: 2823, transactions: 105, orderers: 4, blocks: 90 });
    expect(f).toEqual({ wallMs: 14_000, cpuMs: 3870, clusterMessages: 2823, broadcasts: 420, blocks: 90, perMessageMs: 1.193, perBlockMs: 43 });
    expect(ordererCpuFigure({ wallMs: 0, cpuMs: 0, clusterMessages: 0, transactions: 0, orderers: 4, blocks: 0 }).perMessageMs).toBe(0);
  });

  it("reads a process's CPU time from /proc (this one's)", () => {
    const a = procCpuMs(process.pid);
    expect(a).toBeGreaterThan(0);
    expect(procCpuMs(2 ** 30)).toBeUndefined();
  });
});

describe('the printed table', () => {
  it('has a header with the machine and one row per figure', () => {
    const t = formatProfile(DEFAULT_PROFILE);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^calibration profile v3: Fabric 3\.1\.5, \d+ cores /);
    expect(t).toMatch(/orderer CPU over the load \([\d.]+ s\)\s+\d+ ms for \d+ cluster messages \+ \d+ broadcasts: [\d.]+ ms a message/);
    expect(t).toMatch(/submit-to-commit, sequential \(\d+ tx\)\s+p50 \d+ ms, p95 \d+ ms/);
    expect(t).toMatch(/rebuild replay \(\d+ blocks, \d+ tx\)\s+\d+ ms: \d+ blocks\/s/);
    expect(t).toMatch(/orderer sync \(\d+ syncs\)\s+probe \d+ ms \(heights of every orderer\), pull \d+ ms \(to the blocks written\), medians/);
    expect(t).toMatch(/closed loop, 8 clients per org \(\d+ tx\)\s+[\d.]+ tx\/s, p50 \d+ ms, p95 \d+ ms; \d+ blocks, [\d.]+ tx\/block/);
    expect(t).toMatch(/orderer start to \/healthz \(median of 3\)\s+\d+ ms \(\d+, \d+, \d+\)/);
    expect(t).toMatch(/endorse of a submit \(IssueCertificate, not ordered\), 20 calls\s+p50 \d+ ms, p95 \d+ ms/);
    expect(t).toMatch(/block to peer \(orderer writes it \.\. peer validates\), \d+ blocks\s+p50 \d+ ms, p95 \d+ ms/);
    // The built-in profile of 20:36 has the optional figures.wal, printed as one more row.
    expect(t).toMatch(/orderer WAL append \(\d+ appends\)\s+p50 \d+ ms, p95 \d+ ms/);
    expect(lines.length).toBe(1 + DEFAULT_PROFILE.figures.submitLatency.length * 2 + (DEFAULT_PROFILE.figures.concurrency?.length ?? 0) + 16 + (DEFAULT_PROFILE.figures.wal === undefined ? 0 : 1) + DEFAULT_PROFILE.figures.viewChange.length);
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
