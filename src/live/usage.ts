/**
 * The grammar of `live`, `compare` and `serve` (src/args): what their parser takes and what
 * `--help` prints (src/args/help.ts; the top-level help points here: "fabric-bft-sim
 * <command> --help"). They read secrets from a config, so secret-looking flags are refused.
 */
import type { CommandSpec, FlagSpec } from '../args/grammar.ts';
import { helpText } from '../args/help.ts';

export type LiveCommandName = 'live' | 'compare' | 'serve';

const RUN_FLAGS: FlagSpec = {
  config: {
    type: 'string',
    value: 'FILE',
    expects: 'a live config file',
    help: 'the live config: namespaces, deployments, API and Keycloak URLs, where secrets come from (required; see examples/certchain.live.yaml)',
  },
  yes: { type: 'bool', help: 'execute; without it this is a dry run: the plan is printed, nothing runs' },
  json: { type: 'bool', help: 'print the plan or the result as JSON' },
  insecure: { type: 'bool', help: "do not verify TLS certificates (as the lab's curl -k)", default: 'verify' },
  'ca-file': { type: 'string', value: 'FILE', expects: 'a CA bundle file', help: 'extra CA for TLS', default: 'tls.caFile of the config, if any' },
  timeout: { type: 'duration', help: 'stop the run and run the undos after this long (at most 24h)', default: '30m' },
};

export const LIVE_SPECS: Readonly<Record<LiveCommandName, CommandSpec>> = {
  live: {
    name: 'live',
    usage: ['<scenario|file> --config FILE [options]'],
    description:
      'Runs a scenario (a built-in name, see "fabric-bft-sim scenarios", or a scenario YAML file) against a real CertChain cluster (OpenShift, Fabric, Keycloak, Argo CD) with oc and the REST API. Dry run by default. Every disruptive step registers its undo first; undos run on failure, on --timeout and on Ctrl-C, SIGTERM or SIGHUP (exit 130, 143, 129). Secrets come from the config (environment variables or files), never from the command line.',
    flags: RUN_FLAGS,
    examples: ['fabric-bft-sim live kill-orderer --config examples/certchain.live.yaml', 'fabric-bft-sim live kill-orderer --config examples/certchain.live.yaml --yes'],
    refuseSecrets: true,
  },
  compare: {
    name: 'compare',
    usage: ['<scenario|file> --config FILE [options]', '<scenario|file> --target local [options]'],
    description:
      'Runs a scenario (a built-in name or a scenario YAML file) in the simulator, on the topology the config describes, then on the live cluster, and prints a step-by-step comparison; with --target local, on the real Fabric network "fabric-bft-sim net up" started instead (docs/local.md). Outcome differences exit 1; timing differences are reported only. Dry run by default (the live side\'s plan).',
    flags: { ...RUN_FLAGS, report: { type: 'string', value: 'FILE.html', expects: 'a file name (.html)', help: "also write the simulator run's HTML report to FILE (with --yes)" } },
    examples: ['fabric-bft-sim compare kill-orderer --config examples/certchain.live.yaml', 'fabric-bft-sim compare kill-orderer --config examples/certchain.live.yaml --yes --report sim.html', 'fabric-bft-sim compare kill-orderer --target local'],
    refuseSecrets: true,
  },
  serve: {
    name: 'serve',
    usage: ['[options]'],
    description:
      'Serves the simulated CertChain behind the cluster\'s HTTP APIs (Keycloak tokens, the certificate REST API, Prometheus /metrics, and an admin endpoint for the oc stand-in test/live/fixtures/oc), in scaled wall-clock time, until Ctrl-C. No arguments.',
    flags: {
      port: { type: 'int', min: 0, max: 65535, help: 'port to listen on; 0 picks a free one', default: '8080' },
      host: { type: 'string', value: 'HOST', expects: 'an address', help: 'address to bind, loopback only', default: '127.0.0.1' },
      speed: { type: 'number', min: 0, max: 1000, above: true, help: 'simulated seconds per wall-clock second, up to 1000', default: '1' },
      seed: { type: 'int', min: 0, max: 2 ** 31 - 1, help: "the simulation's seed", default: '1' },
      orderers: { type: 'int', min: 1, max: 31, help: 'number of orderers', default: '4' },
      json: { type: 'bool', help: 'print the addresses as one JSON document once listening' },
    },
    examples: ['fabric-bft-sim serve', 'fabric-bft-sim serve --port 9000 --speed 10 --orderers 7'],
    refuseSecrets: true,
  },
};

/** Whether argv asks for help (-h or --help anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('-h') || argv.includes('--help');
}

export function usageText(command: LiveCommandName): string {
  return helpText(LIVE_SPECS[command]);
}
