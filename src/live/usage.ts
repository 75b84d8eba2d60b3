/**
 * `--help` texts of `live`, `compare` and `serve` (the top-level help points here:
 * "fabric-bft-sim <command> --help"). Printed on stdout, exit 0.
 */

export type LiveCommandName = 'live' | 'compare' | 'serve';

const RUN_FLAGS = `Flags:
  --config FILE    the live config: namespaces, deployments, API and Keycloak URLs,
                   where secrets come from (required; see examples/certchain.live.yaml)
  --yes            execute; without it this is a dry run: the plan is printed, nothing runs
  --json           print the plan or the result as JSON
  --insecure       do not verify TLS certificates (as the lab's curl -k; default: verify)
  --ca-file FILE   extra CA for TLS (default: tls.caFile of the config, if any)
  --timeout D      stop the run and run the undos after D (default 30m, at most 24h; 500ms, 30s, 2m, 1h)
  -h, --help       this text`;

const TEXTS: Record<LiveCommandName, string> = {
  live: `Usage: fabric-bft-sim live <scenario|file> --config FILE [--yes] [--json] [--insecure] [--ca-file FILE] [--timeout 30m]

Runs a scenario against a real CertChain cluster (OpenShift, Fabric, Keycloak, Argo CD)
with oc and the REST API. Dry run by default. Every disruptive step registers its undo
first; undos run on failure, on --timeout and on Ctrl-C, SIGTERM or SIGHUP
(exit 130, 143, 129).

Arguments:
  <scenario|file>  a built-in scenario name (fabric-bft-sim scenarios lists them) or a scenario YAML file

${RUN_FLAGS}

Examples:
  fabric-bft-sim live kill-orderer --config examples/certchain.live.yaml          # print the plan
  fabric-bft-sim live kill-orderer --config examples/certchain.live.yaml --yes    # run it
`,
  compare: `Usage: fabric-bft-sim compare <scenario|file> --config FILE [--yes] [--json] [--report FILE.html] [--insecure] [--ca-file FILE] [--timeout 30m]

Runs a scenario in the simulator, on the topology the config describes, then on the
live cluster, and prints a step-by-step comparison. Outcome differences exit 1; timing
differences are reported only. Dry run by default (the live side's plan).

Arguments:
  <scenario|file>  a built-in scenario name (fabric-bft-sim scenarios lists them) or a scenario YAML file

${RUN_FLAGS}
  --report FILE    also write the simulator run's HTML report to FILE (with --yes)

Examples:
  fabric-bft-sim compare kill-orderer --config examples/certchain.live.yaml
  fabric-bft-sim compare kill-orderer --config examples/certchain.live.yaml --yes --report sim.html
`,
  serve: `Usage: fabric-bft-sim serve [--port 8080] [--host 127.0.0.1] [--speed 1] [--seed 1] [--orderers 4]

Serves the simulated CertChain behind the cluster's HTTP APIs (Keycloak tokens, the
certificate REST API, Prometheus /metrics, and an admin endpoint for the oc stand-in
test/live/fixtures/oc), in scaled wall-clock time, until Ctrl-C. No arguments.

Flags:
  --port N       port to listen on (default 8080; 0 picks a free one)
  --host H       address to bind (default 127.0.0.1, loopback only)
  --speed X      simulated seconds per wall-clock second (default 1, up to 1000)
  --seed N       the simulation's seed (default 1)
  --orderers N   number of orderers (default 4)
  -h, --help     this text

Examples:
  fabric-bft-sim serve
  fabric-bft-sim serve --port 9000 --speed 10 --orderers 7
`,
};

/** Whether argv asks for help (-h or --help anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('-h') || argv.includes('--help');
}

export function usageText(command: LiveCommandName): string {
  return TEXTS[command];
}
