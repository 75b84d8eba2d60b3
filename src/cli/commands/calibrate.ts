/**
 * `fabric-bft-sim calibrate`: the CLI layer. Starts a real network in a fresh folder,
 * measures (measure.ts), stops every process it started by pid (also on a failure, Ctrl-C
 * or SIGTERM), writes the profile and prints its table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bool, num, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import type { CliEnv } from '../io.ts';
import { NetError, netDown, resolveFabricHome } from '../../local/net.ts';
import { exitCodeOf, onStopSignals } from '../../shared/stop-signals.ts';
import { calibrate, CALIBRATE_SMARTBFT, networkDirs } from '../../calibrate/measure.ts';
import { formatProfile, ProfileError, validateProfile } from '../../calibrate/profile.ts';

export const CALIBRATE_SPEC: CommandSpec = {
  name: 'calibrate',
  usage: ['[options]'],
  description: `Measures a real Fabric 3.1 BFT network on this machine and writes a profile the simulator takes (topology: { profile: FILE }). It starts the network itself ("net up" in a temporary folder, SmartBFT ${CALIBRATE_SMARTBFT}), measures, stops it, starts a second one with Fabric's default SmartBFT options for one more view change, and stops it: about 2-3 minutes. Every process it started is stopped by pid, also on a failure or Ctrl-C. Needs the Fabric binaries ($FABRIC_HOME). Measured: submit-to-commit latency (sequential, 5/s, 20/s) and transactions per block; throughput and latency with 1, 2, 4 and 8 clients per org, each submitting again when its last transaction committed; evaluate latency; the peer's commit time per block and per transaction (Theil-Sen over every block the load made); peer and orderer start to /healthz; rebuild-dbs and the replay rate at the next start; every peer's height moving again after an orderer is killed; the view change after the leader is killed; the orderers' CPU time per message they handle (/proc/<pid>/stat over the latency load, divided by their cluster messages and broadcasts), which the model charges per message. See docs/calibration.md.`,
  flags: {
    out: { type: 'string', value: 'FILE', expects: 'a file (default calibration-profile.json)', help: 'where to write the profile', default: 'calibration-profile.json' },
    'fabric-home': { type: 'string', value: 'DIR', expects: 'a folder with bin/ and config/ of a Fabric 3.1 release', help: 'Fabric release folder', default: '$FABRIC_HOME' },
    'base-port': { type: 'int', min: 1024, max: 65435, help: 'first of the 100 ports the network uses', default: '27050' },
    dir: { type: 'string', value: 'DIR', expects: 'a folder for the network', help: "the network's folder", default: 'a temporary one, removed after' },
    json: { type: 'bool', help: 'print the profile as JSON on stdout (progress goes to stderr)' },
  },
  examples: ['fabric-bft-sim calibrate', 'FABRIC_HOME=~/fabric-3.1.5 fabric-bft-sim calibrate --out my-profile.json'],
};

export async function calibrateCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(CALIBRATE_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(CALIBRATE_SPEC));
    return 0;
  }
  const out = resolve(str(p, 'out') ?? 'calibration-profile.json');
  let fabricHome: string;
  try {
    fabricHome = resolveFabricHome(str(p, 'fabric-home'), process.env);
  } catch (e) {
    if (!(e instanceof NetError)) throw e;
    env.stderr(`fabric-bft-sim calibrate: ${e.message}; calibrate measures a real network\n`);
    return 2;
  }
  const given = str(p, 'dir');
  const dir = given !== undefined ? resolve(given) : mkdtempSync(join(tmpdir(), 'fabric-bft-sim-calibrate-'));
  const json = bool(p, 'json');
  // With --json the progress goes to stderr: stdout holds the profile alone.
  const say = (l: string): void => (json ? env.stderr(`${l}\n`) : env.stdout(`${l}\n`));
  const ac = new AbortController();
  let stopping: Promise<unknown> | undefined;
  let code = 130;
  const stopListening = onStopSignals((sig) => {
    ac.abort();
    code = exitCodeOf(sig);
    env.stderr(`\ncalibrate: ${sig}: stopping every process started so far...\n`);
    stopping ??= stopAll(dir, (l) => env.stderr(`${l}\n`)).then(() => {
      if (given === undefined) rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  });
  const t0 = performance.now();
  say(`calibrate: a real network in ${dir}`);
  try {
    const measured = await calibrate({ dir, fabricHome, say, signal: ac.signal, ...(num(p, 'base-port') !== undefined ? { basePort: num(p, 'base-port') as number } : {}) });
    // A figure that timed out is NaN, which JSON writes as null: such a file would not be
    // read back (topology.profile), so it is not written.
    const profile = validateProfile(JSON.parse(JSON.stringify(measured)), 'the measured profile');
    writeFileSync(out, `${JSON.stringify(profile, null, 2)}\n`);
    if (json) env.stdout(`${JSON.stringify(profile, null, 2)}\n`);
    else {
      say('');
      say(formatProfile(profile));
    }
    say(`calibrate: profile written to ${out} in ${((performance.now() - t0) / 1000).toFixed(0)} s; use it with topology: { profile: ${out} }`);
    return 0;
  } catch (e) {
    if (ac.signal.aborted) {
      await stopping;
      return code;
    }
    const why = e instanceof ProfileError ? `${e.message.replace(/ \(write one with .*\)$/, '')}: a measurement timed out, so no profile is written${given === undefined ? ' (--dir DIR keeps the nodes\' logs)' : ` (the nodes' logs are in ${dir})`}` : ((e as Error).message.split('\n')[0] ?? '').trim();
    env.stderr(`fabric-bft-sim calibrate: ${why}\n`);
    return 1;
  } finally {
    if (!ac.signal.aborted) {
      await stopAll(dir, say);
      if (given === undefined) rmSync(dir, { recursive: true, force: true });
    }
    stopListening();
  }
}

/** `net down` of every network calibrate may have started under `dir`, by pid. */
async function stopAll(dir: string, say: (l: string) => void): Promise<void> {
  for (const d of networkDirs(dir)) await netDown(d, say);
}
