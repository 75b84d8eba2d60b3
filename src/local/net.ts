/**
 * `net up | down | status | logs`: a real Fabric 3 network ordered by SmartBFT, as plain
 * processes on 127.0.0.1, from binaries the user has (an unpacked Fabric release:
 * `$FABRIC_HOME/bin` and `$FABRIC_HOME/config`). Everything lives in one run folder.
 *
 * `up`: crypto material (cryptogen), the channel's genesis block (configtxgen), orderers
 * joined with `osnadmin channel join` (no system channel), peers joined with `peer channel
 * join`, certcontract as chaincode-as-a-service (package, install, approveformyorg by one
 * org after the other sent to the leader orderer, commit), then the lab's initial certificates.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialCertificates } from '../shared/certificate.ts';
import type { IssueResult } from '../scenarios/cluster.ts';
import { OrgGateways } from './gateway.ts';
import {
  adminEnv,
  ccaasFiles,
  CCAAS_BUILDER,
  chaincodeServerEnv,
  configtxYaml,
  cryptoConfigYaml,
  describeSmartBft,
  makePlan,
  ordererEnv,
  orgCryptoDir,
  peerEnv,
  portsOf,
  type NetPlan,
  type OrdererPlan,
  type PeerPlan,
} from './plan.ts';
import { allPidNames, busyPorts, isRunning, launch, launchLogKeeper, logFile, readPid, removeBelow, stopProc, tailLog, type ProcSpec } from './procs.ts';

export const FABRIC_VERSION = '3.1.5';
export const BINARIES = ['orderer', 'peer', 'configtxgen', 'cryptogen', 'osnadmin'] as const;
export const DEFAULT_DIR = '.fabric-net';

/** A failure of `net` that is the user's to fix: printed as one line. */
export class NetError extends Error {}

export function defaultFabricHome(env: NodeJS.ProcessEnv): string {
  return join(env['HOME'] ?? homedir(), '.cache', 'fabric-bft-sim', `fabric-${FABRIC_VERSION}`);
}

/** `--fabric-home`, else `$FABRIC_HOME`, else the cache folder; checked for the binaries and config. */
export function resolveFabricHome(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const home = resolve(flag ?? env['FABRIC_HOME'] ?? defaultFabricHome(env));
  const missing = BINARIES.filter((b) => {
    try {
      accessSync(join(home, 'bin', b), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === BINARIES.length) {
    throw new NetError(`no Fabric binaries in ${join(home, 'bin')} (${BINARIES.join(', ')}): set FABRIC_HOME to an unpacked Fabric 3.1 release`);
  }
  if (missing.length > 0) throw new NetError(`${join(home, 'bin')} lacks ${missing.join(', ')}: set FABRIC_HOME to an unpacked Fabric 3.1 release`);
  for (const f of ['core.yaml', 'orderer.yaml']) {
    if (!existsSync(join(home, 'config', f))) throw new NetError(`no ${f} in ${join(home, 'config')}: set FABRIC_HOME to an unpacked Fabric 3.1 release (bin/ and config/)`);
  }
  return home;
}

/** What `net up` leaves in `<dir>/net.json` for `down`, `status`, `logs` and the local target. */
export interface NetState {
  readonly plan: NetPlan;
  readonly packageId: string;
  readonly upAt: string;
  /** Milliseconds `net up` took, by phase. */
  readonly timings: Readonly<Record<string, number>>;
}

export function stateFile(dir: string): string {
  return join(dir, 'net.json');
}

export function loadNetState(dir: string): NetState {
  const f = stateFile(dir);
  if (!existsSync(f)) throw new NetError(`no network in ${dir}: run "fabric-bft-sim net up${dir === resolve(DEFAULT_DIR) ? '' : ` --dir ${dir}`}" first`);
  return JSON.parse(readFileSync(f, 'utf8')) as NetState;
}

/** The repo's fabric/ folder (chaincode package). */
export function fabricDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fabric');
}

interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Run one of Fabric's tools; a failure is one line with its last stderr line. */
export function tool(plan: NetPlan, bin: string, args: readonly string[], env: Record<string, string>, what: string, timeoutMs = 120_000): Promise<ToolResult> {
  const path = BINARIES.includes(bin as (typeof BINARIES)[number]) ? join(plan.fabricHome, 'bin', bin) : bin;
  return new Promise((resolveP, reject) => {
    execFile(path, [...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) {
        const lines = `${stderr}\n${stdout}`
          .replace(/\x1b\[[0-9;]*m/g, '')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '');
        const last = lines.filter((l) => /error|fail|panic|refus/i.test(l)).pop() ?? lines.pop() ?? (err.killed ? `killed after ${timeoutMs} ms` : err.message);
        reject(new NetError(`${what}: ${bin} failed: ${last}`));
        return;
      }
      resolveP({ stdout, stderr });
    });
  });
}

/** GET http://127.0.0.1:port/path: status and body, or undefined when nothing answers. */
export function httpGet(port: number, path: string, timeoutMs = 3000): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolveP) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveP({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolveP(undefined));
    });
    req.on('error', () => resolveP(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolveP(undefined);
    });
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function ordererSpec(plan: NetPlan, o: OrdererPlan): ProcSpec {
  return { name: o.id, command: join(plan.fabricHome, 'bin', 'orderer'), args: [], env: ordererEnv(plan, o) };
}

export function peerSpec(plan: NetPlan, p: PeerPlan): ProcSpec {
  return { name: p.id, command: join(plan.fabricHome, 'bin', 'peer'), args: ['node', 'start'], env: peerEnv(plan, p) };
}

export function chaincodeSpec(plan: NetPlan, packageId: string): ProcSpec {
  const cc = join(fabricDir(), 'chaincode');
  return { name: plan.chaincode.name, command: process.execPath, args: [join(cc, 'node_modules', 'fabric-shim', 'cli.js'), 'server'], env: chaincodeServerEnv(plan, packageId), cwd: cc };
}

/**
 * Wait until a process's operations endpoint answers /healthz, or fail at once when the
 * process died (with its last log lines).
 */
export async function waitHealthy(dir: string, name: string, opsPort: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(readPid(dir, name))) {
      throw new NetError(`${name} died at start; last lines of ${logFile(dir, name)}:\n  ${tailLog(dir, name).join('\n  ')}`);
    }
    const r = await httpGet(opsPort, '/healthz', 1000);
    if (r !== undefined && r.status === 200) return;
    if (Date.now() > deadline) throw new NetError(`${name} not healthy after ${timeoutMs / 1000} s (operations port ${opsPort}); see ${logFile(dir, name)}`);
    await sleep(200);
  }
}

/** Wait until a TCP port on 127.0.0.1 accepts (the chaincode server), or the process died. */
async function waitListening(dir: string, name: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(readPid(dir, name))) throw new NetError(`${name} died at start; last lines of ${logFile(dir, name)}:\n  ${tailLog(dir, name).join('\n  ')}`);
    if ((await busyPorts([port])).length === 1) return;
    if (Date.now() > deadline) throw new NetError(`${name} is not listening on 127.0.0.1:${port} after ${timeoutMs / 1000} s; see ${logFile(dir, name)}`);
    await sleep(200);
  }
}

/** Admin TLS client material of an org (osnadmin's mutual TLS). */
function adminTls(plan: NetPlan, org: string): { cert: string; key: string } {
  const u = join(orgCryptoDir(plan.dir, org), 'users', `Admin@${org}`, 'tls');
  return { cert: join(u, 'client.crt'), key: join(u, 'client.key') };
}

export function ordererTlsCa(o: OrdererPlan): string {
  return join(o.cryptoDir, 'tls', 'ca.crt');
}

/** Fabric's package id: label, a colon, the SHA-256 of the package file (core/chaincode/persistence). */
export function packageIdOf(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface UpOptions {
  readonly dir: string;
  readonly fabricHome: string;
  readonly orderers?: number;
  readonly basePort?: number;
  readonly smartbft?: string;
  /** `--backoff-max-delay`: the orderers' General.Backoff.MaxDelay (default 3s). */
  readonly backoffMaxDelay?: string;
  readonly say: (line: string) => void;
  /** Ctrl-C / SIGTERM: nothing more is started once it fires (the caller stops what was). */
  readonly signal?: AbortSignal;
}

async function timed<T>(timings: Record<string, number>, key: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[key] = Math.round(performance.now() - t0);
  }
}

/** `net up`. Throws NetError; the caller stops what was started (`netDown`). */
export async function netUp(o: UpOptions): Promise<NetState> {
  const dir = resolve(o.dir);
  const say = o.say;
  let plan: NetPlan;
  try {
    plan = makePlan({ dir, fabricHome: o.fabricHome, ...(o.orderers !== undefined ? { orderers: o.orderers } : {}), ...(o.basePort !== undefined ? { basePort: o.basePort } : {}), ...(o.smartbft !== undefined ? { smartbft: o.smartbft } : {}), ...(o.backoffMaxDelay !== undefined ? { backoffMaxDelay: o.backoffMaxDelay } : {}) });
  } catch (e) {
    throw new NetError((e as Error).message);
  }
  const running = allPidNames(dir).filter((n) => isRunning(readPid(dir, n)));
  if (running.length > 0) throw new NetError(`a network is already running in ${dir} (${running.join(', ')}): run "fabric-bft-sim net down" first`);
  const ports = portsOf(plan);
  const busy = await busyPorts(ports.map((p) => p.port));
  if (busy.length > 0) {
    const who = busy.map((b) => `${b} (${ports.find((p) => p.port === b)?.who ?? '?'})`);
    throw new NetError(`port${busy.length > 1 ? 's' : ''} ${who.join(', ')} already in use on 127.0.0.1: choose another --base-port`);
  }
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  // Every process is launched through this: none starts after an interrupt.
  const start = (spec: ProcSpec): void => {
    if (o.signal?.aborted) throw new NetError('interrupted');
    launch(dir, spec);
  };
  say(`net up: ${plan.orderers.length} orderers, ${plan.peers.length} peers (LevelDB), channel ${plan.channel}, ports ${plan.basePort}-${plan.basePort + 90} on 127.0.0.1, in ${dir}`);
  say(describeSmartBft(plan.smartbft, plan.smartbftChanged));
  if (existsSync(dir)) {
    for (const sub of ['crypto', 'config', 'data', 'logs', 'pids', 'builders', 'package', 'net.json', `${plan.channel}.block`]) removeBelow(dir, sub);
  }
  mkdirSync(join(dir, 'config'), { recursive: true });

  await timed(timings, 'crypto', async () => {
    writeFileSync(join(dir, 'config', 'crypto-config.yaml'), cryptoConfigYaml(plan));
    writeFileSync(join(dir, 'config', 'configtx.yaml'), configtxYaml(plan));
    await tool(plan, 'cryptogen', ['generate', `--config=${join(dir, 'config', 'crypto-config.yaml')}`, `--output=${join(dir, 'crypto')}`], {}, 'crypto material');
    await tool(plan, 'configtxgen', ['-profile', 'CertChannel', '-outputBlock', join(dir, `${plan.channel}.block`), '-channelID', plan.channel, '-configPath', join(dir, 'config')], { FABRIC_CFG_PATH: join(dir, 'config') }, 'channel genesis block');
  });
  say(`  crypto material and ${plan.channel}'s genesis block (${timings['crypto']} ms)`);

  const builder = join(dir, 'builders', 'ccaas', 'bin');
  mkdirSync(builder, { recursive: true });
  for (const [name, text] of Object.entries(CCAAS_BUILDER)) {
    writeFileSync(join(builder, name), text);
    chmodSync(join(builder, name), 0o755);
  }
  if (o.signal?.aborted) throw new NetError('interrupted');
  launchLogKeeper(dir);

  await timed(timings, 'orderers', async () => {
    for (const ord of plan.orderers) start(ordererSpec(plan, ord));
    for (const ord of plan.orderers) await waitHealthy(dir, ord.id, ord.opsPort, 30_000);
    await Promise.all(
      plan.orderers.map((ord) => {
        const tls = adminTls(plan, ord.org);
        return tool(
          plan,
          'osnadmin',
          ['channel', 'join', '--channelID', plan.channel, '--config-block', join(dir, `${plan.channel}.block`), '-o', `127.0.0.1:${ord.adminPort}`, '--ca-file', ordererTlsCa(ord), '--client-cert', tls.cert, '--client-key', tls.key],
          {},
          `osnadmin channel join on ${ord.id}`,
        );
      }),
    );
  });
  say(`  ${plan.orderers.length} orderers started and joined ${plan.channel} (${timings['orderers']} ms)`);

  await timed(timings, 'peers', async () => {
    for (const p of plan.peers) start(peerSpec(plan, p));
    for (const p of plan.peers) await waitHealthy(dir, p.id, p.opsPort, 30_000);
    await Promise.all(plan.peers.map((p) => tool(plan, 'peer', ['channel', 'join', '-b', join(dir, `${plan.channel}.block`)], adminEnv(plan, p), `peer channel join on ${p.id}`)));
  });
  say(`  ${plan.peers.length} peers started and joined ${plan.channel} (${timings['peers']} ms)`);

  const packageId = await timed(timings, 'chaincode', () => deployChaincode(plan, say, start));
  say(`  ${plan.chaincode.name} committed (${timings['chaincode']} ms): ${packageId}`);

  await timed(timings, 'gossip', () => waitGossip(plan));
  say(`  every peer knows the other orgs' peers through gossip (${timings['gossip']} ms)`);
  const blocks = await timed(timings, 'certificates', () => issueInitialCertificates(plan));
  say(`  the lab's initial certificates issued in block${blocks.length > 1 ? 's' : ''} ${blocks.join(', ')} (${timings['certificates']} ms)`);
  timings['total'] = Math.round(performance.now() - t0);
  const state: NetState = { plan, packageId, upAt: new Date().toISOString(), timings };
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
  say(`net up: ready in ${(timings['total'] / 1000).toFixed(1)} s. "fabric-bft-sim net status" shows it, "net down" stops it.`);
  return state;
}

/** `npm ci` in fabric/chaincode when its node_modules is missing. */
async function ensureChaincodeModules(say: (l: string) => void): Promise<void> {
  const cc = join(fabricDir(), 'chaincode');
  if (existsSync(join(cc, 'node_modules', 'fabric-shim', 'cli.js'))) return;
  say(`  installing the chaincode's packages: npm ci --prefix ${cc} (once)`);
  await new Promise<void>((resolveP, reject) => {
    execFile('npm', ['ci', '--no-audit', '--no-fund', '--prefix', cc], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (err, _o, stderr) => {
      if (err !== null) reject(new NetError(`npm ci --prefix ${cc} failed: ${stderr.trim().split('\n').pop() ?? err.message}`));
      else resolveP();
    });
  });
}

/** Package (ccaas), install on every peer, serve, approve per org, commit. Returns the package id. */
async function deployChaincode(plan: NetPlan, say: (l: string) => void, start: (spec: ProcSpec) => void): Promise<string> {
  await ensureChaincodeModules(say);
  const pkgDir = join(plan.dir, 'package');
  mkdirSync(pkgDir, { recursive: true });
  const files = ccaasFiles(plan);
  writeFileSync(join(pkgDir, 'connection.json'), files.connection);
  writeFileSync(join(pkgDir, 'metadata.json'), files.metadata);
  await tool(plan, 'tar', ['-czf', join(pkgDir, 'code.tar.gz'), '-C', pkgDir, 'connection.json'], {}, 'chaincode package');
  const pkg = join(pkgDir, `${plan.chaincode.label}.tgz`);
  await tool(plan, 'tar', ['-czf', pkg, '-C', pkgDir, 'metadata.json', 'code.tar.gz'], {}, 'chaincode package');
  const packageId = packageIdOf(plan.chaincode.label, readFileSync(pkg));
  await Promise.all(plan.peers.map((p) => tool(plan, 'peer', ['lifecycle', 'chaincode', 'install', pkg], adminEnv(plan, p), `chaincode install on ${p.id}`)));
  start(chaincodeSpec(plan, packageId));
  await waitListening(plan.dir, plan.chaincode.name, plan.chaincode.port, 30_000);
  // The peer CLI sends to one orderer; a follower forwards only after
  // RequestForwardTimeout, so send to view 0's leader (consenter 1).
  const leader = plan.orderers[0] as OrdererPlan;
  const common = ['--channelID', plan.channel, '--name', plan.chaincode.name, '--version', plan.chaincode.version, '--sequence', '1', '-o', `127.0.0.1:${leader.port}`, '--tls', '--cafile', ordererTlsCa(leader)];
  // One org after the other, as fabric-samples test-network (scripts/ccutils.sh) and the
  // simulator's bootstrap: `--waitForEvent` returns once the org's peer committed its
  // approval, so each approval is a block of its own and the heights match the simulator's.
  for (const p of plan.peers) {
    await tool(plan, 'peer', ['lifecycle', 'chaincode', 'approveformyorg', ...common, '--package-id', packageId, '--waitForEvent'], adminEnv(plan, p), `approveformyorg for ${p.org}`);
  }
  const first = plan.peers[0] as PeerPlan;
  await tool(
    plan,
    'peer',
    ['lifecycle', 'chaincode', 'commit', ...common, ...plan.peers.flatMap((p) => ['--peerAddresses', `127.0.0.1:${p.port}`, '--tlsRootCertFiles', p.tlsCa])],
    adminEnv(plan, first),
    'chaincode commit',
  );
  return packageId;
}

/**
 * The Gateway finds endorsers through discovery, which knows other orgs' peers only once
 * gossip has met them (anchor peers): wait until every peer knows all the others.
 */
async function waitGossip(plan: NetPlan, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = plan.peers.length - 1;
  const known = async (p: PeerPlan): Promise<number> => {
    const m = await httpGet(p.opsPort, '/metrics');
    const x = new RegExp(`^gossip_membership_total_peers_known\\{channel="${plan.channel}"\\}\\s+(\\S+)`, 'm').exec(m?.body ?? '');
    return x ? Number(x[1]) : 0;
  };
  for (;;) {
    const counts = await Promise.all(plan.peers.map(known));
    if (counts.every((c) => c >= want)) return;
    if (Date.now() > deadline) {
      throw new NetError(`gossip: after ${timeoutMs / 1000} s the peers know ${counts.map((c, i) => `${plan.peers[i]?.id}: ${c}`).join(', ')} of ${want} other peers (anchor peers unreachable?)`);
    }
    await sleep(500);
  }
}

/** As SimCluster's bootstrap: each org issues its initial certificates; all must commit. */
async function issueInitialCertificates(plan: NetPlan): Promise<number[]> {
  const gw = new OrgGateways(plan);
  try {
    // Sent together, as the simulator's bootstrap sends them: one block, so the heights match.
    const items = plan.orgs.flatMap((org) => initialCertificates(org).map((cert) => ({ org, cert })));
    const rs = await gw.issueTogether(items);
    const results = items.map((x, i) => ({ ...x, r: rs[i] as IssueResult }));
    const bad = results.find((x) => !x.r.ok);
    if (bad !== undefined) throw new NetError(`initial certificate ${bad.cert.certID} via ${bad.org} failed: ${bad.r.error ?? ''}`);
    return [...new Set(results.map((x) => (x.r.ok ? (x.r.block ?? -1) : -1)))].sort((a, b) => a - b);
  } finally {
    gw.close();
  }
}

/** Names of the network's processes, chaincode and log keeper last. */
export function processNames(plan: NetPlan): string[] {
  return [...plan.orderers.map((o) => o.id), ...plan.peers.map((p) => p.id), plan.chaincode.name, 'log-keeper'];
}

/** Stop every process the run folder's pid files name (SIGTERM, then SIGKILL), by pid. */
export async function netDown(dir: string, say: (l: string) => void): Promise<number> {
  const names = allPidNames(resolve(dir));
  let stopped = 0;
  // Peers and the chaincode before the orderers; the log keeper last.
  const order = (n: string): number => (n === 'log-keeper' ? 3 : n.startsWith('orderer') ? 2 : n.startsWith('peer') ? 0 : 1);
  for (const group of [0, 1, 2, 3]) {
    const batch = names.filter((n) => order(n) === group);
    const res = await Promise.all(batch.map(async (n) => ({ n, pid: readPid(resolve(dir), n)?.pid, was: await stopProc(resolve(dir), n, 'SIGTERM') })));
    for (const r of res) {
      if (r.was) {
        stopped++;
        say(`  stopped ${r.n} (pid ${r.pid ?? '?'})`);
      }
    }
  }
  return stopped;
}

export interface NodeStatus {
  readonly name: string;
  readonly pid?: number;
  readonly running: boolean;
  readonly detail: string;
}

/** One line per process: running or not, and what its metrics say. */
export async function netStatus(state: NetState): Promise<NodeStatus[]> {
  const plan = state.plan;
  const out: NodeStatus[] = [];
  const metric = (body: string, name: string): number | undefined => {
    const m = new RegExp(`^${name}(?:\\{[^}]*channel="${plan.channel}"[^}]*\\})?\\s+(\\S+)`, 'm').exec(body);
    return m ? Number(m[1]) : undefined;
  };
  for (const o of plan.orderers) {
    const rec = readPid(plan.dir, o.id);
    const running = isRunning(rec);
    let detail = 'stopped';
    if (running) {
      const m = await httpGet(o.opsPort, '/metrics');
      const b = m?.body ?? '';
      const leader = metric(b, 'consensus_BFT_leader_id');
      detail = `height ${metric(b, 'ledger_blockchain_height') ?? '?'}, view ${metric(b, 'consensus_smartbft_view_number') ?? '?'}, leader ${leader === undefined ? '?' : (plan.orderers.find((x) => x.consenterId === leader)?.id ?? leader)}${metric(b, 'consensus_BFT_is_leader') === 1 ? ' (itself)' : ''}`;
    }
    out.push({ name: `${o.id} [consenter ${o.consenterId}, 127.0.0.1:${o.port}]`, ...(rec ? { pid: rec.pid } : {}), running, detail });
  }
  for (const p of plan.peers) {
    const rec = readPid(plan.dir, p.id);
    const running = isRunning(rec);
    let detail = 'stopped';
    if (running) {
      const m = await httpGet(p.opsPort, '/metrics');
      detail = `height ${metric(m?.body ?? '', 'ledger_blockchain_height') ?? '?'}`;
    }
    out.push({ name: `${p.id} [127.0.0.1:${p.port}]`, ...(rec ? { pid: rec.pid } : {}), running, detail });
  }
  for (const n of [plan.chaincode.name, 'log-keeper']) {
    const rec = readPid(plan.dir, n);
    out.push({ name: n === plan.chaincode.name ? `${n} [chaincode server ${plan.chaincode.address}]` : n, ...(rec ? { pid: rec.pid } : {}), running: isRunning(rec), detail: isRunning(rec) ? 'running' : 'stopped' });
  }
  return out;
}
