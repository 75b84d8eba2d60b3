/**
 * `fabric-bft-sim net up | down | status | logs`: the CLI layer of src/local. Reads
 * flags, owns the Ctrl-C / SIGTERM handler of `net up` (every process started so far is
 * stopped by pid) and prints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { num, parseArgs, str, type FlagSpec } from '../cli/args.ts';
import { UsageError, type CliEnv } from '../cli/io.ts';
import { describeSmartBft } from './plan.ts';
import { DEFAULT_DIR, loadNetState, NetError, netDown, netStatus, netUp, resolveFabricHome } from './net.ts';
import { logFile } from './procs.ts';
import { MAX_LOCAL_ORDERERS } from './plan.ts';
import { exitCodeOf, onStopSignals } from '../shared/stop-signals.ts';

export const NET_FLAGS: FlagSpec = {
  dir: { type: 'string', placeholder: 'a folder (default ./.fabric-net)' },
  'fabric-home': { type: 'string', placeholder: 'a folder with bin/ and config/ of a Fabric 3.1 release' },
  orderers: { type: 'int', min: 1, max: MAX_LOCAL_ORDERERS },
  'base-port': { type: 'int', min: 1024, max: 65435 },
  smartbft: { type: 'string', placeholder: 'Name=value,... e.g. LeaderHeartbeatTimeout=10s' },
  lines: { type: 'int', min: 1, max: 100_000 },
};

export const NET_HELP = `Usage: fabric-bft-sim net <up|down|status|logs> [options]

A real Fabric 3 network ordered by SmartBFT, as processes on 127.0.0.1 (no Docker), from
the binaries of an unpacked Fabric 3.1 release: $FABRIC_HOME/bin (orderer, peer,
configtxgen, cryptogen, osnadmin) and $FABRIC_HOME/config (core.yaml, orderer.yaml).
One orderer and one peer (LevelDB) per org (techpulse, dataforge, org3), orderer.ordering
and more for --orderers N, certcontract as chaincode-as-a-service. Then
"run X --target local" and "compare X --target local" use it. See docs/local.md.

  net up        generate, start, join, deploy certcontract, issue the lab's certificates
  net down      stop every process it started (by pid)
  net status    each process: pid, running, height, view, leader
  net logs [N]  the log file of node N (last --lines lines), or the list of log files

Options:
  --dir DIR              run folder (default ./.fabric-net)
  --fabric-home DIR      Fabric release folder (default $FABRIC_HOME, else ~/.cache/fabric-bft-sim/fabric-3.1.5)
  --orderers N           orderers (default 4; 1-${MAX_LOCAL_ORDERERS})
  --base-port P          first of the 100 ports it uses on 127.0.0.1 (default 27050)
  --smartbft K=V,...     SmartBFT options of the channel (default: Fabric's), e.g.
                         LeaderHeartbeatTimeout=10s,RequestComplainTimeout=8s
  --lines N              net logs: how many lines (default 50)
  -h, --help             this help
`;

export async function netCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs('net', argv, NET_FLAGS);
  if (p.help) {
    env.stdout(NET_HELP);
    return 0;
  }
  if (p.positionals.length === 0) throw new UsageError('net: expects up, down, status or logs (see "fabric-bft-sim net --help")');
  const [sub, ...rest] = p.positionals;
  const dir = resolve(str(p, 'dir') ?? DEFAULT_DIR);
  const say = (l: string): void => env.stdout(`${l}\n`);
  try {
    switch (sub) {
      case 'up': {
        if (rest.length > 0) throw new UsageError(`net: up takes no argument, got ${rest.join(' ')}`);
        const fabricHome = resolveFabricHome(str(p, 'fabric-home'), process.env);
        return await upWithSignals(env, dir, {
          dir,
          fabricHome,
          say,
          ...(num(p, 'orderers') !== undefined ? { orderers: num(p, 'orderers') as number } : {}),
          ...(num(p, 'base-port') !== undefined ? { basePort: num(p, 'base-port') as number } : {}),
          ...(str(p, 'smartbft') !== undefined ? { smartbft: str(p, 'smartbft') as string } : {}),
        });
      }
      case 'down': {
        const n = await netDown(dir, say);
        say(n === 0 ? `net down: nothing was running in ${dir}` : `net down: ${n} process${n === 1 ? '' : 'es'} stopped; the files stay in ${dir}`);
        return 0;
      }
      case 'status': {
        const state = loadNetState(dir);
        const rows = await netStatus(state);
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
          for (const n of names) say(`${n.padEnd(20)} ${logFile(dir, n)}`);
          return 0;
        }
        const node = rest[0] as string;
        if (!names.includes(node)) throw new UsageError(`net: unknown node "${node}" (nodes: ${names.join(', ')})`);
        const f = logFile(dir, node);
        const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
        // Fabric colours its lines; keep the colours only on a terminal.
        const lines = (env.tty ? text : text.replace(/\x1b\[[0-9;]*m/g, '')).split('\n').filter((l) => l !== '');
        env.stdout(`${lines.slice(-(num(p, 'lines') ?? 50)).join('\n')}\n`);
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
async function upWithSignals(env: CliEnv, dir: string, o: Parameters<typeof netUp>[0]): Promise<number> {
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
    await netUp({ ...o, signal: ac.signal });
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
