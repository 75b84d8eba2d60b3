/**
 * `npm run fidelity`: the model beside a real Fabric 3.1 network on this machine.
 *
 * Starts a network with `net up` (binaries from $FABRIC_HOME, see docs/local.md) in a
 * temporary folder, runs `compare X --target local` for each scenario below (the simulator
 * on the same topology and SmartBFT options, then the real network), stops the network by
 * pid and prints one row per step: the simulator's value and time, the real network's, and
 * whether the outcome is the same. `--write FILE` also writes that table as Markdown
 * (docs/fidelity.md is one such run). Ends with `N passed, N failed`, one per compared step.
 *
 * Without the binaries it says so in one line and counts nothing: `0 passed, 0 failed`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { processEnv, type CliEnv } from '../src/cli/io.ts';
import { writeFileAtomic } from '../src/cli/files.ts';
import type { Comparison } from '../src/live/compare.ts';
import { netDown, netUp, resolveFabricHome } from '../src/local/net.ts';
import { compareLocalCommand } from '../src/local/run.ts';
import { exitCodeOf, onStopSignals } from '../src/shared/stop-signals.ts';

/** The scenarios compared, with why each is in the list. */
/**
 * peer-recovery comes last: right after a peer restarts, its gateway cannot endorse with
 * another org for a few seconds (gossip has not yet rediscovered the other orgs' peers:
 * `9 FAILED_PRECONDITION`), which the model does not reproduce; the next scenario would
 * fail its first issue for that reason, not its own.
 */
const SCENARIOS: readonly { name: string; why: string }[] = [
  { name: 'kill-orderer', why: "the lab's first demo: a follower orderer killed and restored" },
  { name: 'leader-crash', why: 'the leader killed: a view change (shortened heartbeat timeouts)' },
  { name: 'peer-recovery', why: "the lab's second demo: a peer killed and restored" },
];

/** Shortened, so a leader crash changes the view in ~10 s (Forward <= Complain <= AutoRemove holds). */
const SMARTBFT = 'LeaderHeartbeatTimeout=10s,RequestComplainTimeout=8s';
const BASE_PORT = Number(process.env['FABRIC_BFT_SIM_FIDELITY_PORT'] ?? 29050);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

function ms(v: number | undefined): string {
  if (v === undefined) return '-';
  return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 80);
}

async function main(): Promise<number> {
  let fabricHome: string;
  try {
    fabricHome = resolveFabricHome(undefined, process.env);
  } catch (e) {
    process.stdout.write(`real network: skipped: ${(e as Error).message}\n0 passed, 0 failed\n`);
    return 0;
  }
  const out = arg('--write');
  const dir = mkdtempSync(join(tmpdir(), 'fbs-fidelity-'));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await netDown(dir, (l) => process.stderr.write(`${l}\n`));
    rmSync(dir, { recursive: true, force: true });
  };
  onStopSignals((sig) => {
    process.stderr.write(`fidelity: ${sig}: stopping the network\n`);
    void stop().then(() => process.exit(exitCodeOf(sig)));
  });

  const results: { name: string; why: string; cmp: Comparison | undefined; error?: string }[] = [];
  const started = Date.now();
  let upMs = 0;
  try {
    const t0 = Date.now();
    await netUp({ dir, fabricHome, basePort: BASE_PORT, smartbft: SMARTBFT, say: (l) => process.stderr.write(`${l}\n`) });
    upMs = Date.now() - t0;
    for (const s of SCENARIOS) {
      let text = '';
      const env: CliEnv = { ...processEnv(), stdout: (t) => void (text += t), stderr: () => undefined };
      try {
        await compareLocalCommand([s.name, '--target', 'local', '--dir', dir, '--json'], env);
        const cmp = (JSON.parse(text) as { comparison: Comparison }).comparison;
        results.push({ name: s.name, why: s.why, cmp });
      } catch (e) {
        results.push({ name: s.name, why: s.why, cmp: undefined, error: (e as Error).message.split('\n')[0] ?? '' });
      }
    }
  } finally {
    await stop();
  }

  let passed = 0;
  let failed = 0;
  const md: string[] = [];
  for (const r of results) {
    process.stdout.write(`\n${r.name}: ${r.why}\n`);
    md.push(`## ${r.name}`, '', r.why + '.', '', '| # | step | simulator | sim time | real network | real time | outcome |', '|---|---|---|---|---|---|---|');
    if (r.cmp === undefined) {
      failed++;
      process.stdout.write(`  FAILED to run: ${r.error ?? ''}\n`);
      md.push(`| - | the comparison did not run: ${cell(r.error ?? '')} | | | | | failed |`, '');
      continue;
    }
    for (const row of r.cmp.rows) {
      const same = row.verdict === 'same';
      if (same) passed++;
      else failed++;
      process.stdout.write(`  ${same ? '✓' : '✗'} ${String(row.index).padStart(2)} ${row.name.slice(0, 56).padEnd(56)} sim ${row.sim.slice(0, 28).padEnd(28)} ${ms(row.simTookMs).padStart(7)}   real ${row.live.slice(0, 28).padEnd(28)} ${ms(row.liveTookMs).padStart(7)}  ${row.verdict.replace('live', 'real')}\n`);
      md.push(`| ${row.index} | ${cell(row.name)} | ${cell(row.sim)} | ${ms(row.simTookMs)} | ${cell(row.live)} | ${ms(row.liveTookMs)} | ${row.verdict.replace('live', 'real')} |`);
    }
    md.push('');
  }
  process.stdout.write(`\nreal network: net up ${ms(upMs)}, all in ${ms(Date.now() - started)}\n`);
  if (out !== undefined) {
    const version = execFileSync(join(fabricHome, 'bin', 'orderer'), ['version'], { encoding: 'utf8' }).match(/Version: (\S+)/)?.[1] ?? '?';
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const head = [
      '# Fidelity: the model beside a real Fabric network',
      '',
      `Generated by \`npm run fidelity -- --write docs/fidelity.md\` on ${new Date().toISOString().slice(0, 10)}: Fabric ${version}`,
      `(orderer, peer, configtxgen, cryptogen, osnadmin), 4 SmartBFT orderers and 3 peers on LevelDB as plain`,
      `processes on 127.0.0.1, ${cpus().length} cores, load average ${load} at the end. SmartBFT options: \`${SMARTBFT}\`,`,
      "the rest Fabric's defaults; the simulator runs with the same. `net up` took " + `${ms(upMs)}.`,
      '',
      'Each row is one step of the scenario: the value each side observed, how long the step',
      'took (simulated time on the simulator, wall time on the real network), and whether the',
      'outcome is the same. The simulator charges the built-in calibration profile\'s measured',
      'costs (commit, endorsement, process start, replay: docs/calibration.md); timing',
      'differences are shown, not judged.',
      '',
      'What cannot be compared here: Byzantine behaviours and partitions (the real network runs',
      'honest processes on one loopback interface; `--target local` refuses those steps), and',
      "CouchDB's `doc_count` and its log lines (CouchDB is not available on this machine; the",
      'peers use LevelDB).',
      '',
      'What the real network has shown about the model (see the commit history for each):',
      '',
      '- An orderer restarted a block behind an idle network stays behind until the next',
      "  block: SmartBFT's heartbeats carry the last decided sequence (ViewSequences.ProposalSeq),",
      '  so the restarted node, whose view starts at that number, never looks behind. The model',
      '  caught it up in 10 s; it now does as Fabric does, and kill-orderer issues the next',
      '  certificate before it waits for the catch-up.',
      "- Right after a peer restarts, its gateway cannot endorse with another org for a few",
      "  seconds (`9 FAILED_PRECONDITION`: gossip has not yet rediscovered the other orgs' peers).",
      '  The model endorses at once. Not modelled yet; the scenarios here run peer-recovery last.',
      '',
    ];
    writeFileAtomic(out, [...head, ...md].join('\n'));
    process.stdout.write(`wrote ${out}\n`);
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
