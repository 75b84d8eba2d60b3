/**
 * `fabric-bft-sim net up | down | status | logs`: the CLI layer of src/local. Reads
 * flags, owns the Ctrl-C / SIGTERM handler of `net up` (every process started so far is
 * stopped by pid) and prints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bool, num, parseArgs, str, UsageError, type CommandSpec } from '../args/grammar.ts';
import { helpText } from '../args/help.ts';
import type { CliEnv } from '../io/env.ts';
import { describeSmartBft } from './plan.ts';
import { DEFAULT_DIR, loadNetState, NetError, netDown, netStatus, netUp, resolveFabricHome } from './net.ts';
import { logFile } from './procs.ts';
import { MAX_LOCAL_ORDERERS } from './plan.ts';
import { exitCodeOf, onStopSignals } from '../shared/stop-signals.ts';

export const NET_SPEC: CommandSpec = {
  name: 'net',
  usage: ['up [options]', 'down|status [--dir DIR] [--json]', 'logs [NODE] [--lines N] [--dir DIR]'],
  description: `A real Fabric 3 network ordered by SmartBFT, as processes on 127.0.0.1 (no Docker), from the binaries of an unpacked Fabric 3.1 release: $FABRIC_HOME/bin (orderer, peer, configtxgen, cryptogen, osnadmin) and $FABRIC_HOME/config (core.yaml, orderer.yaml). One orderer and one peer (LevelDB) per org (techpulse, dataforge, org3), orderer.ordering and more for --orderers N, certcontract as chaincode-as-a-service. Then "run X --target local" and "compare X --target local" use it. See docs/local.md.

  net up        generate, start, join, deploy certcontract, issue the lab's certificates
  net down      stop every process it started (by pid)
  net status    each process: pid, running, height, view, leader (exit 1 if one is down)
  net logs [N]  the log file of node N (last --lines lines), or the list of log files`,
  flags: {
    dir: { type: 'string', value: 'DIR', expects: 'a folder (default ./.fabric-net)', help: 'run folder', default: './.fabric-net' },
    'fabric-home': { type: 'string', value: 'DIR', expects: 'a folder with bin/ and config/ of a Fabric 3.1 release', help: 'net up: Fabric release folder', default: '$FABRIC_HOME, else ~/.cache/fabric-bft-sim/fabric-3.1.5' },
    orderers: { type: 'int', min: 1, max: MAX_LOCAL_ORDERERS, help: 'net up: orderers', default: '4' },
    'base-port': { type: 'int', min: 1024, max: 65435, value: 'P', help: 'net up: first of the 100 ports it uses on 127.0.0.1', default: '27050' },
    smartbft: { type: 'string', value: 'K=V,...', expects: 'Name=value,... e.g. LeaderHeartbeatTimeout=10s', help: "net up: SmartBFT options of the channel, e.g. LeaderHeartbeatTimeout=10s,RequestComplainTimeout=8s", default: "Fabric's" },
    'backoff-max-delay': { type: 'string', value: 'D', expects: 'a Go duration from 1s to 24h, e.g. 3s or 2m0s', help: "net up: the orderers' reconnect back-off cap (orderer.yaml General.Backoff.MaxDelay; Fabric's sampleconfig 2m)", default: '3s' },
    lines: { type: 'int', min: 1, max: 100_000, help: 'net logs: how many lines', default: '50' },
    json: { type: 'bool', help: 'the result as one JSON document (net up: its progress goes to stderr)' },
  },
  examples: ['fabric-bft-sim net up', 'fabric-bft-sim net up --orderers 7 --smartbft LeaderHeartbeatTimeout=10s', 'fabric-bft-sim net status --json', 'fabric-bft-sim net logs orderer.techpulse --lines 100', 'fabric-bft-sim net down'],
};

export async function netCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(NET_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(NET_SPEC));
    return 0;
  }
  if (p.positionals.length === 0) throw new UsageError('net: expects up, down, status or logs (see "fabric-bft-sim net --help")');
  const [sub, ...rest] = p.positionals;
  const dir = resolve(str(p, 'dir') ?? DEFAULT_DIR);
  const json = bool(p, 'json');
  const say = (l: string): void => env.stdout(`${l}\n`);
  const print = (body: unknown): void => env.stdout(`${JSON.stringify(body, null, 2)}\n`);
  try {
    switch (sub) {
      case 'up': {
        if (rest.length > 0) throw new UsageError(`net: up takes no argument, got ${rest.join(' ')}`);
        const fabricHome = resolveFabricHome(str(p, 'fabric-home'), process.env);
        return await upWithSignals(env, dir, json, {
          dir,
          fabricHome,
          // With --json the progress goes to stderr: stdout holds the one document.
          say: json ? (l) => env.stderr(`${l}\n`) : say,
          ...(num(p, 'orderers') !== undefined ? { orderers: num(p, 'orderers') as number } : {}),
          ...(num(p, 'base-port') !== undefined ? { basePort: num(p, 'base-port') as number } : {}),
          ...(str(p, 'smartbft') !== undefined ? { smartbft: str(p, 'smartbft') as string } : {}),
          ...(str(p, 'backoff-max-delay') !== undefined ? { backoffMaxDelay: str(p, 'backoff-max-delay') as string } : {}),
        });
      }
      case 'down': {
        const n = await netDown(dir, json ? (l) => env.stderr(`${l}\n`) : say);
        if (json) print({ dir, stopped: n });
        else say(n === 0 ? `net down: nothing was running in ${dir}` : `net down: ${n} process${n === 1 ? '' : 'es'} stopped; the files stay in ${dir}`);
        return 0;
      }
      case 'status': {
        const state = loadNetState(dir);
        const rows = await netStatus(state);
        if (json) {
          print({ dir, upAt: state.upAt, fabricHome: state.plan.fabricHome, smartbft: state.plan.smartbft, nodes: rows });
          return rows.every((r) => r.running) ? 0 : 1;
        }
        say(`network in ${dir} (up at ${state.upAt}, Fabric from ${state.plan.fabricHome})`);
        say(describeSmartBft(state.plan.smartbft, state.plan.smartbftChanged));
        const w = Math.max(...rows.map((r) => r.name.length));
        for (const r of rows) say(`  ${r.name.padEnd(w)}  ${r.running ? `pid ${String(r.pid).padEnd(8)}` : 'down        '}  ${r.detail}`);
        return rows.every((r) => r.running) ? 0 : 1;
      }
      case 'logs': {
        const state = loadNetState(dir);
        const names = [...state.plan.orderers.map((o) => o.id), ...state.plan.peers.map((x) => x.id), state.plan.chaincode.name];
        if (rest.length === 0) {
          if (json) {
            print(names.map((n) => ({ node: n, file: logFile(dir, n) })));
            return 0;
          }
          for (const n of names) say(`${n.padEnd(20)} ${logFile(dir, n)}`);
          return 0;
        }
        const node = rest[0] as string;
        if (!names.includes(node)) throw new UsageError(`net: unknown node "${node}" (nodes: ${names.join(', ')})`);
        const f = logFile(dir, node);
        const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
        // Fabric colours its lines; keep the colours only on a terminal.
        const lines = (env.tty ? text : text.replace(/\x1b\[[0-9;]*m/g, '')).split('\n').filter((l) => l !== '');
        const last = lines.slice(-(num(p, 'lines') ?? 50));
        if (json) print({ node, file: f, lines: last });
        else env.stdout(`${last.join('\n')}\n`);
        return 0;
      }
      default:
        throw new UsageError(`net: unknown subcommand "${sub ?? ''}" (up, down, status, logs)`);
    }
  } catch (e) {
    if (e instanceof NetError) {
      env.stderr(`fabric-bft-sim net ${sub ?? ''}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** `net up` with a stop signal (Ctrl-C, SIGTERM, SIGHUP) stopping every process started so far; a failure stops them too. */
async function upWithSignals(env: CliEnv, dir: string, json: boolean, o: Parameters<typeof netUp>[0]): Promise<number> {
  let interrupted = false;
  let stopping: Promise<unknown> | undefined;
  const ac = new AbortController();
  let code = 130;
  const stopListening = onStopSignals((sig) => {
    interrupted = true;
    code = exitCodeOf(sig);
    ac.abort();
    env.stderr(`\nnet up: ${sig}: stopping every process started so far...\n`);
    stopping ??= netDown(dir, (l) => env.stderr(`${l}\n`)).then(() => process.exit(code));
  });
  try {
    const state = await netUp({ ...o, signal: ac.signal });
    if (json) env.stdout(`${JSON.stringify({ dir, upAt: state.upAt, orderers: state.plan.orderers.map((x) => x.id), peers: state.plan.peers.map((x) => x.id), smartbft: state.plan.smartbft }, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (interrupted) {
      await stopping;
      return code;
    }
    env.stderr(`fabric-bft-sim net up: ${(e as Error).message}\n`);
    env.stderr('net up: stopping what was started...\n');
    await netDown(dir, (l) => env.stderr(`${l}\n`));
    return 1;
  } finally {
    stopListening();
  }
}
