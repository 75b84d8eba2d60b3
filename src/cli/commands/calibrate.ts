/**
 * `fabric-bft-sim calibrate`: the CLI layer. Starts a real network in a fresh folder,
 * measures (measure.ts), stops every process it started by pid (also on a failure, Ctrl-C
 * or SIGTERM), writes the profile and prints its table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { num, parseArgs, str, type FlagSpec } from '../args.ts';
import type { CliEnv } from '../io.ts';
import { NetError, netDown, resolveFabricHome } from '../../local/net.ts';
import { exitCodeOf, onStopSignals } from '../../shared/stop-signals.ts';
import { calibrate, CALIBRATE_SMARTBFT, networkDirs } from '../../calibrate/measure.ts';
import { formatProfile } from '../../calibrate/profile.ts';

const FLAGS: FlagSpec = {
  out: { type: 'string', placeholder: 'a file (default calibration-profile.json)' },
  'fabric-home': { type: 'string', placeholder: 'a folder with bin/ and config/ of a Fabric 3.1 release' },
  'base-port': { type: 'int', min: 1024, max: 65435 },
  dir: { type: 'string', placeholder: 'a folder for the network (default: a new temporary one, removed after)' },
};

const HELP = `Usage: fabric-bft-sim calibrate [options]

Measures a real Fabric 3.1 BFT network on this machine and writes a profile the simulator
takes (topology: { profile: FILE }). It starts the network itself ("net up" in a temporary
folder, SmartBFT ${CALIBRATE_SMARTBFT}), measures, stops it, starts a second one with
Fabric's default SmartBFT options for one more view change, and stops it: about 2 minutes.
Every process it started is stopped by pid, also on a failure or Ctrl-C. Needs the Fabric
binaries ($FABRIC_HOME). See docs/calibration.md.

Measured: submit-to-commit latency (sequential, 5/s, 20/s) and transactions per block;
evaluate latency; the peer's commit time per block (its "Committed block" and "Validated
block" lines); peer and orderer start to /healthz; rebuild-dbs and the replay rate at the
next start; every peer's height moving again after an orderer is killed; the view change
after the leader is killed (LeaderHeartbeatTimeout=10s, no traffic; and Fabric's defaults
with a transaction submitted at the kill: the complain path).

Options:
  --out FILE           where to write the profile (default calibration-profile.json)
  --fabric-home DIR    Fabric release folder (default $FABRIC_HOME)
  --base-port P        first of the 100 ports the network uses (default 27050)
  --dir DIR            the network's folder (default a temporary one, removed after)
  -h, --help           this help
`;

export async function calibrateCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs('calibrate', argv, FLAGS);
  if (p.help) {
    env.stdout(HELP);
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
  const say = (l: string): void => env.stdout(`${l}\n`);
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
    const profile = await calibrate({ dir, fabricHome, say, signal: ac.signal, ...(num(p, 'base-port') !== undefined ? { basePort: num(p, 'base-port') as number } : {}) });
    writeFileSync(out, `${JSON.stringify(profile, null, 2)}\n`);
    say('');
    say(formatProfile(profile));
    say(`calibrate: profile written to ${out} in ${((performance.now() - t0) / 1000).toFixed(0)} s; use it with topology: { profile: ${out} }`);
    return 0;
  } catch (e) {
    if (ac.signal.aborted) {
      await stopping;
      return code;
    }
    env.stderr(`fabric-bft-sim calibrate: ${((e as Error).message.split('\n')[0] ?? '').trim()}\n`);
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
