/**
 * `fabric-bft-sim calibrate`, the network half: a fixed set of measurements on a real
 * Fabric 3.1.5 BFT network that it starts itself (`net up`, src/local) and that the caller
 * stops (`net down`, by pid). Each figure is what the profile holds
 * (src/sim/fabric/profile.ts); the pure parts (percentiles, the commit-time fit, the log
 * parsers) are in profile.ts beside this file.
 *
 * Order (about 2 minutes after `net up`): submit-to-commit latency sequentially, at 5/s
 * and at 20/s (block cutting from the orderers' heights), and over that load the orderers'
 * CPU time (/proc/<pid>/stat utime + stime, the pids from the net's pid files) against the
 * messages they handled (`cluster_comm_msg_send_time_count` from each orderer's
 * operations port, plus one broadcast per transaction and orderer); closed-loop phases of
 * 1, 2, 4 and 8 clients per org (throughput, latency, and blocks of many sizes); evaluate
 * latency; a submit's endorse call alone (20 IssueCertificate proposals endorsed and
 * dropped); the commit lines of the blocks all those made, each part fitted with Theil-Sen,
 * and each block's way from the first orderer's write line to the peer's validation;
 * 30 certificates more with SmartBFT's WAL lines at DEBUG (the orderers' WAL appends);
 * a peer killed and started (healthz, height); an orderer
 * killed while a transaction is submitted (every peer's height moving again), then started
 * (healthz), and restarted twice more (the median of the three); a follower stopped, left
 * a block behind and started, six times (the syncs of every orderer's log: probe and
 * pull, figures.ordererSync); `rebuild-dbs` on a stopped peer and its replay at start (its log's
 * `Recommitting lost blocks` .. `Recommitted lost blocks`); the view-0 leader killed (time
 * to a new view on a follower, with LeaderHeartbeatTimeout=10s).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { loadCertificate } from '../scenarios/cluster.ts';
import { LocalCluster } from '../local/cluster.ts';
import { FABRIC_VERSION, httpGet, netDown, netUp, type NetState } from '../local/net.ts';
import { logFile, procCpuMs, readPid } from '../local/procs.ts';
import type { CalibrationProfile, ConcurrencyFigure, LatencyFigure } from '../sim/fabric/profile.ts';
import { commitFigures, deliverFigure, median, ordererCpuFigure, ordererSyncFigure, parseCommitLog, parseDeliverSpans, parseOrdererSyncSpans, parseRecommitSpan, parseWalAppendSpans, percentile, sumMetric, walFigure } from './profile.ts';

/** The SmartBFT options of the network calibrate starts (the view change is measured with them). */
export const CALIBRATE_SMARTBFT = 'LeaderHeartbeatTimeout=10s';
const HEARTBEAT_TIMEOUT_MS = 10_000;

/** The closed-loop phases: clients per org, each phase about `CONCURRENCY_PHASE_MS` long. */
export const CONCURRENCY_CLIENTS_PER_ORG: readonly number[] = [1, 2, 4, 8];
const CONCURRENCY_PHASE_MS = 8000;
/** How many times the orderer start is timed (its median is the figure). */
const ORDERER_STARTS = 3;
/** How many times a follower is stopped, left a block behind and started (figures.ordererSync). */
const ORDERER_SYNC_ROUNDS = 6;
/** Certificates issued one after another with the WAL's log lines on (figures.wal). */
const WAL_ISSUES = 30;
/**
 * The two loggers whose DEBUG lines bracket a WAL append (parseWalAppendSpans):
 * `.chain`, which Fabric hands SmartBFT's WAL (orderer/consensus/smartbft/chain.go
 * bftSmartConsensusBuild -> wal.InitializeAndReadAll(c.Logger, ...)), and `.consensus`,
 * the View's (verifyBlacklist's line before the ProposedRecord's save).
 */
export const WAL_DEBUG_LOGGERS = ['orderer.consensus.smartbft.chain', 'orderer.consensus.smartbft.consensus'] as const;

/** Fabric's operations endpoint `/logspec` (common/flogging/httpadmin/spec.go): GET reads the spec, PUT sets it. */
function logSpec(port: number, spec?: string): Promise<string> {
  return new Promise((resolveP, reject) => {
    const body = spec === undefined ? undefined : JSON.stringify({ spec });
    const req = request({ host: '127.0.0.1', port, path: '/logspec', method: spec === undefined ? 'GET' : 'PUT', timeout: 3000, ...(body !== undefined ? { headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`/logspec on port ${port}: HTTP ${res.statusCode ?? 0} ${text.trim()}`));
        else resolveP(spec ?? String((JSON.parse(text) as { spec?: unknown }).spec ?? ''));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`/logspec on port ${port}: no answer in 3 s`)));
    req.end(body);
  });
}

export interface CalibrateOptions {
  readonly dir: string;
  readonly fabricHome: string;
  readonly basePort?: number;
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stripColours(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** The folders of the networks calibrate may start under `dir` (each tried once more in its `-retry` twin). */
export function networkDirs(dir: string): string[] {
  return ['shortened', 'shortened-retry', 'defaults', 'defaults-retry'].map((n) => join(dir, n));
}

/**
 * Both networks' measurements: the first (LeaderHeartbeatTimeout=10s) for everything, then,
 * after it is stopped, a second with Fabric's default SmartBFT options for the view change
 * on the complain path. Throws on a failed step; the caller stops every network
 * (`net down` of each of `networkDirs(dir)`), also when it succeeds.
 */
export async function calibrate(o: CalibrateOptions): Promise<CalibrationProfile> {
  const profile = await measureShortened(o);
  for (const d of networkDirs(o.dir)) await netDown(d, () => undefined);
  if (o.signal?.aborted) throw new Error('interrupted');
  o.say('  a second network with Fabric\'s default SmartBFT timeouts, for the view change on the complain path');
  try {
    const v = await measureDefaultViewChange(o);
    return { ...profile, figures: { ...profile.figures, viewChange: [...profile.figures.viewChange, v] } };
  } catch (e) {
    if (o.signal?.aborted) throw e;
    // The first network's figures stand; the profile says which view change it lacks.
    o.say(`  the view change with Fabric's defaults was not measured: ${((e as Error).message.split('\n')[0] ?? '').trim()}`);
    return profile;
  }
}

/**
 * `net up`, once more after a failure (stopping what the first attempt started): now and
 * then a node is not yet listening when it is joined. (An initial certificate that orderers
 * answer "request already processed" no longer fails it: net up reads its commit status.)
 */
async function netUpRetried(o: CalibrateOptions, name: 'shortened' | 'defaults', smartbft: string | undefined): Promise<NetState> {
  const up = (dir: string): Promise<NetState> =>
    netUp({ dir, fabricHome: o.fabricHome, say: (l) => o.say(`  ${l}`), ...(smartbft !== undefined ? { smartbft } : {}), ...(o.basePort !== undefined ? { basePort: o.basePort } : {}), ...(o.signal !== undefined ? { signal: o.signal } : {}) });
  try {
    return await up(join(o.dir, name));
  } catch (e) {
    if (o.signal?.aborted) throw e;
    o.say(`  net up failed (${((e as Error).message.split('\n')[0] ?? '').trim()}); stopping it and trying once more`);
    await netDown(join(o.dir, name), () => undefined);
    return await up(join(o.dir, `${name}-retry`));
  }
}

/**
 * Fabric's defaults (LeaderHeartbeatTimeout 1m, RequestForwardTimeout 2s,
 * RequestComplainTimeout 20s): the leader killed, a transaction submitted at once; the
 * followers get it from the Gateway, forward it, complain and change the view.
 */
async function measureDefaultViewChange(o: CalibrateOptions): Promise<ViewChangeFigure> {
  const state = await netUpRetried(o, 'defaults', undefined);
  const plan = state.plan;
  const cluster = new LocalCluster(state);
  try {
    const follower = 'orderer.dataforge';
    const st = await cluster.ordererStatus(follower);
    if (st.leader === null || st.leader === follower) throw new Error(`no leader other than ${follower} on the second network`);
    const port = plan.orderers.find((x) => x.id === follower)?.opsPort ?? 0;
    await cluster.stop(st.leader);
    const t0 = performance.now();
    const submitted = cluster.issueCertificate('techpulse', loadCertificate('techpulse', 0, `CALD-${Date.now().toString(36)}`)).then(() => performance.now() - t0);
    let viewChangedMs = Number.NaN;
    for (;;) {
      if (o.signal?.aborted) throw new Error('interrupted');
      const r = await httpGet(port, '/metrics', 2000);
      const m = r === undefined ? null : /^consensus_smartbft_view_number(?:\{[^}]*\})?\s+(\S+)/m.exec(r.body);
      if (m !== null && Number(m[1]) > st.view) {
        viewChangedMs = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 120_000) break;
      await sleep(250);
    }
    const submitMs = await Promise.race([submitted, sleep(60_000).then(() => Number.NaN)]);
    o.say(`  leader ${st.leader} killed (defaults): new view on ${follower} after ${Math.round(viewChangedMs)} ms; the transaction submitted at the kill took ${Math.round(submitMs)} ms`);
    return { leaderHeartbeatTimeoutMs: 60_000, submittedAtKill: true, viewChangedMs: Math.round(viewChangedMs), submitMs: Math.round(submitMs) };
  } finally {
    await cluster.close();
  }
}

type ViewChangeFigure = CalibrationProfile['figures']['viewChange'][number];

async function measureShortened(o: CalibrateOptions): Promise<CalibrationProfile> {
  const loadBefore = loadavg();
  const state = await netUpRetried(o, 'shortened', CALIBRATE_SMARTBFT);
  const plan = state.plan;
  const cluster = new LocalCluster(state);
  const check = (): void => {
    if (o.signal?.aborted) throw new Error('interrupted');
  };
  const metric = async (port: number, name: string): Promise<number | undefined> => {
    const r = await httpGet(port, '/metrics', 2000);
    const m = r === undefined ? null : new RegExp(`^${name}(?:\\{[^}]*channel="${plan.channel}"[^}]*\\})?\\s+(\\S+)`, 'm').exec(r.body);
    return m ? Number(m[1]) : undefined;
  };
  const peerHeight = (id: string): Promise<number | undefined> => metric(plan.peers.find((p) => p.id === id)?.opsPort ?? 0, 'ledger_blockchain_height');
  const ordererHeight = async (): Promise<number> => {
    let h = 0;
    for (const x of plan.orderers) h = Math.max(h, (await metric(x.opsPort, 'ledger_blockchain_height')) ?? 0);
    return h;
  };
  /** Poll until `f` holds; the ms it took from `t0`, or undefined after `timeoutMs`. */
  const until = async (t0: number, f: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<number | undefined> => {
    for (;;) {
      check();
      if (await f()) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs) return undefined;
      await sleep(pollMs);
    }
  };
  const tag = Date.now().toString(36);
  let seq = 0;
  const issue = async (org = 'techpulse'): Promise<{ ok: boolean; ms: number; error?: string }> => {
    const cert = loadCertificate(org, seq++, `CAL-${tag}`);
    const t = performance.now();
    const r = await cluster.issueCertificate(org, cert);
    return { ok: r.ok, ms: performance.now() - t, ...(r.error !== undefined ? { error: r.error } : {}) };
  };

  /** The orderers' CPU ms so far (summed) and the cluster messages they have sent (summed). */
  const ordererLoad = async (): Promise<{ cpuMs: number; clusterMessages: number }> => {
    let cpuMs = 0;
    let clusterMessages = 0;
    for (const x of plan.orderers) {
      const rec = readPid(plan.dir, x.id);
      const cpu = rec === undefined ? undefined : procCpuMs(rec.pid);
      if (cpu === undefined) throw new Error(`${x.id} is not running: its CPU time cannot be read`);
      cpuMs += cpu;
      const r = await httpGet(x.opsPort, '/metrics', 2000);
      if (r === undefined) throw new Error(`${x.id}'s /metrics did not answer`);
      clusterMessages += sumMetric(r.body, 'cluster_comm_msg_send_time_count', plan.channel);
    }
    return { cpuMs, clusterMessages };
  };

  try {
    // 1. Submit-to-commit latency and block cutting; the orderers' CPU over it.
    const firstBlock = await ordererHeight();
    const load0 = await ordererLoad();
    const wall0 = performance.now();
    const latency: LatencyFigure[] = [];
    for (const [rate, count] of [
      [0, 20],
      [5, 25],
      [20, 60],
    ] as const) {
      check();
      const h0 = await ordererHeight();
      const results: { ok: boolean; ms: number }[] = [];
      if (rate === 0) for (let i = 0; i < count; i++) results.push(await issue());
      else {
        const pending: Promise<void>[] = [];
        for (let i = 0; i < count; i++) {
          pending.push(issue().then((r) => void results.push(r)));
          await sleep(1000 / rate);
        }
        await Promise.all(pending);
      }
      await sleep(300);
      const blocks = (await ordererHeight()) - h0;
      const oks = results.filter((r) => r.ok).map((r) => r.ms);
      const fig: LatencyFigure = {
        ratePerSec: rate,
        count,
        failed: count - oks.length,
        p50Ms: Math.round(percentile(oks, 50)),
        p95Ms: Math.round(percentile(oks, 95)),
        minMs: Math.round(Math.min(...oks)),
        maxMs: Math.round(Math.max(...oks)),
        blocks,
        txPerBlock: blocks === 0 ? 0 : Math.round((oks.length / blocks) * 100) / 100,
      };
      latency.push(fig);
      o.say(`  submit-to-commit at ${rate === 0 ? 'sequential' : `${rate}/s`}: p50 ${fig.p50Ms} ms, p95 ${fig.p95Ms} ms, ${blocks} blocks`);
    }

    const load1 = await ordererLoad();
    const ordererCpu = ordererCpuFigure({
      wallMs: performance.now() - wall0,
      cpuMs: load1.cpuMs - load0.cpuMs,
      clusterMessages: load1.clusterMessages - load0.clusterMessages,
      transactions: latency.reduce((s, l) => s + l.count, 0),
      orderers: plan.orderers.length,
      blocks: (await ordererHeight()) - firstBlock,
    });
    o.say(`  orderer CPU: ${ordererCpu.cpuMs} ms over ${ordererCpu.clusterMessages} cluster messages and ${ordererCpu.broadcasts} broadcasts: ${ordererCpu.perMessageMs} ms a message`);

    // 1b. Closed-loop phases: clientsPerOrg clients in every org, each submitting again as
    // soon as its last transaction committed. More clients, bigger blocks: the commit lines
    // of these blocks span a range of sizes (the sequential load's are all of 1 or 2).
    const concurrency: ConcurrencyFigure[] = [];
    for (const perOrg of CONCURRENCY_CLIENTS_PER_ORG) {
      check();
      const h0 = await ordererHeight();
      const results: { ok: boolean; ms: number }[] = [];
      const t = performance.now();
      const client = async (org: string): Promise<void> => {
        while (performance.now() - t < CONCURRENCY_PHASE_MS && !o.signal?.aborted) results.push(await issue(org));
      };
      await Promise.all(plan.orgs.flatMap((org) => Array.from({ length: perOrg }, () => client(org))));
      const wallMs = performance.now() - t;
      await sleep(300);
      const blocks = (await ordererHeight()) - h0;
      const oks = results.filter((r) => r.ok).map((r) => r.ms);
      const fig: ConcurrencyFigure = {
        clientsPerOrg: perOrg,
        clients: perOrg * plan.orgs.length,
        count: results.length,
        failed: results.length - oks.length,
        wallMs: Math.round(wallMs),
        txPerSec: Math.round((oks.length / (wallMs / 1000)) * 10) / 10,
        p50Ms: Math.round(percentile(oks, 50)),
        p95Ms: Math.round(percentile(oks, 95)),
        blocks,
        txPerBlock: blocks === 0 ? 0 : Math.round((oks.length / blocks) * 100) / 100,
      };
      concurrency.push(fig);
      o.say(`  closed loop, ${perOrg} per org: ${fig.count} tx (${fig.failed} failed), ${fig.txPerSec} tx/s, p50 ${fig.p50Ms} ms, p95 ${fig.p95Ms} ms, ${blocks} blocks`);
    }

    // 2. Evaluate.
    const evals: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await cluster.verifyCertificate('TP-FSWD-001', 'techpulse');
      evals.push(performance.now() - t);
    }
    o.say(`  evaluate: p50 ${Math.round(percentile(evals, 50))} ms`);

    // 2b. A submit's endorse call alone (the gateway peer, then another org's), not ordered.
    const endorses: number[] = [];
    for (let i = 0; i < 20; i++) {
      check();
      const cert = loadCertificate('techpulse', seq++, `CAL-${tag}`);
      const t = performance.now();
      await cluster.endorseIssue('techpulse', cert);
      endorses.push(performance.now() - t);
    }
    o.say(`  endorse of a submit: p50 ${Math.round(percentile(endorses, 50))} ms`);

    // 3. The commit lines of the blocks the load made (peer0.techpulse's log).
    const techLog = stripColours(readFileSync(logFile(plan.dir, 'peer0.techpulse'), 'utf8'));
    const parsed = parseCommitLog(techLog);
    const deliver = deliverFigure(
      parseDeliverSpans(
        plan.orderers.map((x) => stripColours(readFileSync(logFile(plan.dir, x.id), 'utf8'))),
        techLog,
        firstBlock,
      ),
    );
    if (deliver !== undefined) o.say(`  block to peer: ${deliver.blocks} blocks, p50 ${deliver.p50Ms} ms from the first orderer's write to peer0.techpulse's validation`);
    const commit = commitFigures(
      parsed.commits.filter((c) => c.block >= firstBlock),
      parsed.validated,
    );
    o.say(`  commit lines: ${commit.blocks} blocks, up to ${Math.max(0, ...parsed.commits.filter((c) => c.block >= firstBlock).map((c) => c.txs))} tx in one`);

    // 3b. The orderers' WAL appends: SmartBFT logs them at DEBUG only, so WAL_DEBUG_LOGGERS
    // are set to DEBUG on every orderer (PUT /logspec), 30 certificates issued one after
    // another, and each orderer's spec put back. After the figures above were read from the
    // logs and before any below, so the DEBUG lines' own cost is in none of them.
    const walStart = plan.orderers.map((x) => readFileSync(logFile(plan.dir, x.id), 'utf8').length);
    const specs: string[] = [];
    for (const x of plan.orderers) specs.push(await logSpec(x.opsPort));
    let wal: ReturnType<typeof walFigure>;
    try {
      for (const [i, x] of plan.orderers.entries()) await logSpec(x.opsPort, `${specs[i] ?? 'info'}:${WAL_DEBUG_LOGGERS.map((l) => `${l}=debug`).join(':')}`);
      const walLoad = loadavg();
      for (let i = 0; i < WAL_ISSUES; i++) {
        check();
        await issue();
      }
      const walLoadAfter = loadavg();
      wal = walFigure(
        plan.orderers.flatMap((x, i) => parseWalAppendSpans(readFileSync(logFile(plan.dir, x.id), 'utf8').slice(walStart[i] ?? 0))),
        new Date().toISOString(),
        walLoad.map((l, i) => (l + (walLoadAfter[i] ?? l)) / 2),
        `${WAL_ISSUES} certificates issued one after another by calibrate with ${WAL_DEBUG_LOGGERS.join(' and ')} at DEBUG on the four orderers. Read by src/calibrate/profile.ts parseWalAppendSpans: from the View's line before the save (verifyBlacklist's for a ProposedRecord, 'N collected K prepares' for a Commit) to 'LogRecord appended successfully' after the write and fsync (SmartBFT pkg/wal/writeaheadlog.go append); nearest-rank p50 and p95 of all the appends, and of each kind.`,
      );
    } finally {
      for (const [i, x] of plan.orderers.entries()) await logSpec(x.opsPort, specs[i] ?? 'info').catch(() => undefined);
    }
    if (wal !== undefined) o.say(`  WAL appends: ${wal.samples}, p50 ${wal.appendP50Ms} ms, p95 ${wal.appendP95Ms} ms`);
    else o.say("  no WAL append lines in the orderers' logs: the profile has no figures.wal");

    // 4. A peer killed and started.
    const p = 'peer0.org3';
    const ph = (await peerHeight(p)) ?? 0;
    await cluster.stop(p);
    let t0 = performance.now();
    const started = await cluster.start(p);
    if (!started.ok) throw new Error(`starting ${p}: ${started.error ?? ''}`);
    const healthzMs = performance.now() - t0;
    const ledgerReadyMs = (await until(t0, async () => ((await peerHeight(p)) ?? -1) >= ph, 30_000)) ?? Number.NaN;
    o.say(`  ${p} restarted: /healthz after ${Math.round(healthzMs)} ms, height ${ph} after ${Math.round(ledgerReadyMs)} ms`);

    // 5. An orderer killed while a transaction is submitted; then started.
    const killed = 'orderer.org3';
    await cluster.stop(killed);
    t0 = performance.now();
    const sub = await issue();
    const target = await ordererHeight();
    const peersMovedMs = (await until(t0, async () => (await Promise.all(plan.peers.map((x) => peerHeight(x.id)))).every((h) => (h ?? 0) >= target), 60_000)) ?? Number.NaN;
    o.say(`  ${killed} killed: submit ${Math.round(sub.ms)} ms (${sub.ok ? 'ok' : sub.error ?? 'failed'}), every peer at ${target} after ${Math.round(peersMovedMs)} ms`);
    // Timed several times: /healthz is polled every 200 ms (src/local/net.ts waitHealthy),
    // so one start reads about 220 or about 420 ms by which poll it was ready for.
    const ordererStarts: number[] = [];
    for (let i = 0; i < ORDERER_STARTS; i++) {
      if (i > 0) {
        await sleep(2000);
        await cluster.stop(killed);
      }
      t0 = performance.now();
      const ostart = await cluster.start(killed);
      if (!ostart.ok) throw new Error(`starting ${killed}: ${ostart.error ?? ''}`);
      ordererStarts.push(Math.round(performance.now() - t0));
    }
    const ordererHealthzMs = median(ordererStarts);
    o.say(`  ${killed} started ${ordererStarts.length} times: /healthz after ${ordererStarts.join(', ')} ms`);

    // 5b. Orderer syncs: a follower stopped, a certificate issued without it, started, and
    // once it is connected (1 s) one more issued. A block behind an idle network, it does
    // not sync (the heartbeats' sequence is its next one); the next proposal's votes for a
    // sequence ahead of it start a sync with a line at WARN (discoverIfSyncNeeded `Seen N
    // votes for digest ...`), which gives the probe its start. (Two blocks behind, the
    // heartbeats start the sync, at DEBUG only: a pull and no probe.) The figure is read
    // from every orderer's log at the end, so any sync of the whole run counts.
    const syncer = (await cluster.ordererStatus('orderer.dataforge')).leader === 'orderer.org3' ? 'orderer.dataforge' : 'orderer.org3';
    const syncerPort = plan.orderers.find((x) => x.id === syncer)?.opsPort ?? 0;
    for (let i = 0; i < ORDERER_SYNC_ROUNDS; i++) {
      check();
      await cluster.stop(syncer);
      await issue();
      const ss = await cluster.start(syncer);
      if (!ss.ok) throw new Error(`starting ${syncer}: ${ss.error ?? ''}`);
      await sleep(1000);
      await issue();
      const h = await ordererHeight();
      if ((await until(performance.now(), async () => ((await metric(syncerPort, 'ledger_blockchain_height')) ?? 0) >= h, 30_000)) === undefined) throw new Error(`${syncer} did not reach height ${h} within 30 s of its start`);
    }
    o.say(`  ${syncer} stopped, left a block behind and started ${ORDERER_SYNC_ROUNDS} times: each time the next block made it catch up`);

    // 6. rebuild-dbs and the replay at the next start.
    const rp = 'peer0.dataforge';
    await cluster.stop(rp);
    t0 = performance.now();
    const rb = await cluster.rebuildDbs(rp);
    if (!rb.ok) throw new Error(`rebuild-dbs on ${rp}: ${rb.error ?? ''}`);
    const commandMs = performance.now() - t0;
    const logBefore = stripColours(readFileSync(logFile(plan.dir, rp), 'utf8'));
    t0 = performance.now();
    const rs = await cluster.start(rp);
    if (!rs.ok) throw new Error(`starting ${rp} after rebuild-dbs: ${rs.error ?? ''}`);
    let span: ReturnType<typeof parseRecommitSpan>;
    await until(t0, async () => (span = parseRecommitSpan(stripColours(readFileSync(logFile(plan.dir, rp), 'utf8')).slice(logBefore.length))) !== undefined, 30_000, 200);
    span ??= parseRecommitSpan(stripColours(readFileSync(logFile(plan.dir, rp), 'utf8')).slice(logBefore.length));
    if (span === undefined) throw new Error(`${rp} printed no "Recommitted lost blocks" line within 30 s of its start after rebuild-dbs`);
    const txsOf = new Map(parseCommitLog(logBefore).commits.map((c) => [c.block, c.txs]));
    let transactions = 0;
    for (let b = span.first; b <= span.last; b++) transactions += txsOf.get(b) ?? 1;
    const blocks = span.last - span.first + 1;
    const replaySec = Math.max(span.ms, 1) / 1000;
    const rebuild = { commandMs: Math.round(commandMs), blocks, transactions, replayMs: span.ms, blocksPerSec: Math.round(blocks / replaySec), txPerSec: Math.round(transactions / replaySec) };
    o.say(`  rebuild-dbs on ${rp}: command ${rebuild.commandMs} ms; replay of ${blocks} blocks in ${span.ms} ms`);

    // 7. View change after the leader's crash.
    const follower = 'orderer.dataforge';
    const st = await cluster.ordererStatus(follower);
    const leader = st.leader;
    const v0 = st.view;
    const viewChange: ViewChangeFigure[] = [];
    if (leader !== null && leader !== follower) {
      await cluster.stop(leader);
      t0 = performance.now();
      const viewChangedMs = (await until(t0, async () => ((await metric(plan.orderers.find((x) => x.id === follower)?.opsPort ?? 0, 'consensus_smartbft_view_number')) ?? v0) > v0, 90_000, 250)) ?? Number.NaN;
      const after = await issue();
      viewChange.push({ leaderHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, submittedAtKill: false, viewChangedMs: Math.round(viewChangedMs), submitMs: Math.round(after.ms) });
      o.say(`  leader ${leader} killed: new view on ${follower} after ${Math.round(viewChangedMs)} ms; next submit ${Math.round(after.ms)} ms`);
      await cluster.start(leader);
    }

    const loadAfter = loadavg();
    const ordererSync = ordererSyncFigure(
      plan.orderers.flatMap((x) => parseOrdererSyncSpans(stripColours(readFileSync(logFile(plan.dir, x.id), 'utf8')))),
      new Date().toISOString(),
      loadAfter,
    );
    if (ordererSync !== undefined) o.say(`  orderer syncs in the orderers' logs: ${ordererSync.pullSamplesMs.length}, probe ${ordererSync.probeMs} ms, pull ${ordererSync.pullMs} ms (medians)`);
    else o.say("  no orderer sync with both a probe and a pull in the orderers' logs: the profile has no figures.ordererSync");
    return {
      version: 3,
      fabric: FABRIC_VERSION,
      machine: { cores: cpus().length, model: cpus()[0]?.model.trim() ?? 'unknown', loadavg: loadBefore.map((l, i) => Math.round(((l + (loadAfter[i] ?? l)) / 2) * 100) / 100) },
      measuredAt: new Date().toISOString(),
      figures: {
        submitLatency: latency,
        concurrency,
        evaluate: { count: evals.length, p50Ms: Math.round(percentile(evals, 50)), p95Ms: Math.round(percentile(evals, 95)) },
        endorse: { count: endorses.length, p50Ms: Math.round(percentile(endorses, 50)), p95Ms: Math.round(percentile(endorses, 95)) },
        commit,
        peerStart: { healthzMs: Math.round(healthzMs), ledgerReadyMs: Math.round(ledgerReadyMs) },
        ordererStart: { healthzMs: Math.round(ordererHealthzMs), samplesMs: ordererStarts },
        rebuild,
        deliverReconnect: { orderer: killed, submitMs: Math.round(sub.ms), peersMovedMs: Math.round(peersMovedMs) },
        viewChange,
        ordererCpu,
        ...(ordererSync !== undefined ? { ordererSync } : {}),
        ...(deliver !== undefined ? { deliver } : {}),
        ...(wal !== undefined ? { wal } : {}),
      },
    };
  } finally {
    await cluster.close();
  }
}
