/**
 * The plan of a local Fabric 3 network (pure: no I/O): which processes, on which
 * loopback ports, with which crypto material, channel config and environment.
 *
 * Mirrors what fabric-samples' test-network-nano-bash does for BFT, on 127.0.0.1:
 * - cryptogen (internal/cryptogen): one peer org per lab org, holding its peer0 and its
 *   orderer `orderer.<org>`, and the ordering org for `orderer.ordering`,
 *   `orderer5.ordering`, ...; 127.0.0.1 in every node's SANs;
 * - configtxgen (internal/configtxgen/genesisconfig): `OrdererType: BFT`, a
 *   `ConsenterMapping` whose ids follow the model's consenter order (src/sim/names.ts),
 *   Channel capability V3_0, `MAJORITY Endorsement`, SmartBFT options as given (Fabric's
 *   defaults otherwise: SmartBFT's types.DefaultConfig, BatchSize.MaxMessageCount 500);
 * - orderer and peer environment (orderer.yaml / core.yaml overrides): channel
 *   participation with no system channel, Prometheus metrics on the operations port,
 *   General.Backoff.MaxDelay 3s (or `--backoff-max-delay`), LevelDB, no Docker
 *   (CORE_VM_ENDPOINT empty), the ccaas external builder.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHAINCODE, CHAINCODE_VERSION, CHANNEL, DEFAULT_ORGS, DEFAULT_POLICY, mspId, ORDERING_ORG, ordererId, peerId } from '../shared/names.ts';
import { SMARTBFT_DEFAULTS, validateRuleProblem, type SmartBftOptionName, type SmartBftOptions } from '../shared/smartbft-options.ts';
import { goDurationMs } from '../shared/duration.ts';
import { backoffMaxDelayMs, NET_UP_BACKOFF_MAX_DELAY } from '../shared/grpc-backoff.ts';

/** Orderers a local network may have (each is a process of ~50-100 MB). */
export const MAX_LOCAL_ORDERERS = 16;
export const DEFAULT_BASE_PORT = 27050;
/** Ports a network uses from its base port (see `portsOf`). */
export const PORT_SPAN = 100;

export { SMARTBFT_DEFAULTS, type SmartBftOptionName, type SmartBftOptions } from '../shared/smartbft-options.ts';
export { goDurationMs } from '../shared/duration.ts';

/**
 * `--smartbft LeaderHeartbeatTimeout=10s,RequestForwardTimeout=1s` over Fabric's defaults,
 * checked as SmartBFT's `Configuration.Validate()` does (the orderer would refuse the
 * channel otherwise). Throws one line naming the option.
 */
export function parseSmartBftOptions(text: string | undefined): { options: SmartBftOptions; changed: SmartBftOptionName[] } {
  const options: SmartBftOptions = { ...SMARTBFT_DEFAULTS };
  const changed: SmartBftOptionName[] = [];
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)) as SmartBftOptionName;
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(name in SMARTBFT_DEFAULTS)) throw new Error(`--smartbft: unknown option "${name}" (known: ${Object.keys(SMARTBFT_DEFAULTS).join(', ')})`);
    if (eq < 0 || value === '') throw new Error(`--smartbft: ${name} needs a value (${name}=...)`);
    const def = SMARTBFT_DEFAULTS[name];
    if (typeof def === 'boolean') {
      if (value !== 'true' && value !== 'false') throw new Error(`--smartbft: ${name} is true or false, got "${value}"`);
      (options as Record<string, unknown>)[name] = value === 'true';
    } else if (typeof def === 'number') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`--smartbft: ${name} is a whole number > 0, got "${value}"`);
      (options as Record<string, unknown>)[name] = Number(value);
    } else {
      const ms = goDurationMs(value);
      if (ms === undefined || ms <= 0) throw new Error(`--smartbft: ${name} is a duration such as 500ms, 10s or 1m30s, got "${value}"`);
      (options as Record<string, unknown>)[name] = value;
    }
    if (!changed.includes(name)) changed.push(name);
  }
  // SmartBFT pkg/types/config.go Validate(), shared with a scenario's topology.smartbft.
  const rule = validateRuleProblem((n) => {
    const v = (options as Record<string, unknown>)[n];
    return typeof v === 'string' ? (goDurationMs(v) ?? 0) : Number(v);
  });
  if (rule !== undefined) throw new Error(`--smartbft: ${rule}`);
  return { options, changed };
}

/** One line saying which SmartBFT options the network runs with. */
export function describeSmartBft(options: SmartBftOptions, changed: readonly SmartBftOptionName[]): string {
  const shown = (['LeaderHeartbeatTimeout', 'LeaderHeartbeatCount', 'RequestForwardTimeout', 'RequestComplainTimeout', 'ViewChangeTimeout', 'RequestBatchMaxInterval'] as SmartBftOptionName[]).concat(
    changed.filter((c) => !['LeaderHeartbeatTimeout', 'LeaderHeartbeatCount', 'RequestForwardTimeout', 'RequestComplainTimeout', 'ViewChangeTimeout', 'RequestBatchMaxInterval'].includes(c)),
  );
  const parts = shown.map((n) => `${n}=${String(options[n])}${changed.includes(n) ? '*' : ''}`);
  return `SmartBFT: ${parts.join(' ')} (${changed.length === 0 ? "all Fabric's defaults" : "* given, the rest Fabric's defaults"})`;
}

export interface OrdererPlan {
  readonly id: string;
  /** Consenter id (1-based, the model's order). */
  readonly consenterId: number;
  readonly org: string;
  readonly msp: string;
  readonly port: number;
  readonly adminPort: number;
  readonly opsPort: number;
  /** cryptogen's folder of this node. */
  readonly cryptoDir: string;
  readonly dataDir: string;
}

export interface PeerPlan {
  readonly id: string;
  readonly org: string;
  readonly msp: string;
  readonly port: number;
  readonly chaincodePort: number;
  readonly opsPort: number;
  readonly cryptoDir: string;
  readonly dataDir: string;
  /** The org's admin and User1 MSP folders. */
  readonly adminMsp: string;
  readonly userMsp: string;
  /** The TLS CA of the org (peers' and clients' trust root). */
  readonly tlsCa: string;
}

export interface NetPlan {
  readonly dir: string;
  readonly fabricHome: string;
  readonly channel: string;
  readonly orgs: readonly string[];
  readonly orderers: readonly OrdererPlan[];
  readonly peers: readonly PeerPlan[];
  readonly basePort: number;
  readonly chaincode: { readonly name: string; readonly version: string; readonly label: string; readonly port: number; readonly address: string };
  readonly smartbft: SmartBftOptions;
  readonly smartbftChanged: readonly SmartBftOptionName[];
  /**
   * ORDERER_GENERAL_BACKOFF_MAXDELAY, as given (`net up --backoff-max-delay`); absent in a
   * network made before the flag, which ran with 3s ({@link backoffMaxDelayOf}).
   */
  readonly backoffMaxDelay?: string;
  readonly policy: string;
}

/** The orderers' General.Backoff.MaxDelay a network runs with. */
export function backoffMaxDelayOf(p: Pick<NetPlan, 'backoffMaxDelay'>): string {
  return p.backoffMaxDelay ?? NET_UP_BACKOFF_MAX_DELAY;
}

export interface PlanOptions {
  readonly dir: string;
  readonly fabricHome: string;
  readonly orderers?: number;
  readonly basePort?: number;
  readonly smartbft?: string;
  /** `--backoff-max-delay`: the orderers' General.Backoff.MaxDelay, a Go duration (default 3s). */
  readonly backoffMaxDelay?: string;
  readonly orgs?: readonly string[];
}

/** Where cryptogen puts a node: `crypto/peerOrganizations/<org>/peers/<host>` or the orderer org's. */
function nodeCryptoDir(dir: string, org: string, host: string, kind: 'peers' | 'orderers'): string {
  return org === ORDERING_ORG ? join(dir, 'crypto', 'ordererOrganizations', org, 'orderers', host) : join(dir, 'crypto', 'peerOrganizations', org, kind === 'orderers' ? 'peers' : kind, host);
}

export function orgCryptoDir(dir: string, org: string): string {
  return org === ORDERING_ORG ? join(dir, 'crypto', 'ordererOrganizations', org) : join(dir, 'crypto', 'peerOrganizations', org);
}

export function makePlan(o: PlanOptions): NetPlan {
  const orgs = o.orgs ?? DEFAULT_ORGS;
  const n = o.orderers ?? orgs.length + 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOCAL_ORDERERS) throw new Error(`--orderers: a local network has 1 to ${MAX_LOCAL_ORDERERS} orderers, got ${n}`);
  const base = o.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(base) || base < 1024 || base + PORT_SPAN > 65535) throw new Error(`--base-port: between 1024 and ${65535 - PORT_SPAN}, got ${base}`);
  const { options, changed } = parseSmartBftOptions(o.smartbft);
  if (o.backoffMaxDelay !== undefined) {
    const r = backoffMaxDelayMs(o.backoffMaxDelay);
    if ('error' in r) throw new Error(`--backoff-max-delay: ${r.error}`);
  }
  const orderers: OrdererPlan[] = [];
  for (let i = 1; i <= n; i++) {
    const { id, org } = ordererId(i, orgs);
    const k = i - 1;
    orderers.push({
      id,
      consenterId: i,
      org,
      msp: mspId(org),
      port: base + 3 * k,
      adminPort: base + 3 * k + 1,
      opsPort: base + 3 * k + 2,
      cryptoDir: nodeCryptoDir(o.dir, org, id, 'orderers'),
      dataDir: join(o.dir, 'data', id),
    });
  }
  const peers: PeerPlan[] = orgs.map((org, j) => {
    const id = peerId(org, 0);
    const orgDir = orgCryptoDir(o.dir, org);
    return {
      id,
      org,
      msp: mspId(org),
      port: base + 50 + 3 * j,
      chaincodePort: base + 50 + 3 * j + 1,
      opsPort: base + 50 + 3 * j + 2,
      cryptoDir: nodeCryptoDir(o.dir, org, id, 'peers'),
      dataDir: join(o.dir, 'data', id),
      adminMsp: join(orgDir, 'users', `Admin@${org}`, 'msp'),
      userMsp: join(orgDir, 'users', `User1@${org}`, 'msp'),
      tlsCa: join(orgDir, 'tlsca', `tlsca.${org}-cert.pem`),
    };
  });
  const ccPort = base + 90;
  return {
    dir: o.dir,
    fabricHome: o.fabricHome,
    channel: CHANNEL,
    orgs,
    orderers,
    peers,
    basePort: base,
    chaincode: { name: CHAINCODE, version: CHAINCODE_VERSION, label: `${CHAINCODE}_${CHAINCODE_VERSION}`, port: ccPort, address: `127.0.0.1:${ccPort}` },
    smartbft: options,
    smartbftChanged: changed,
    ...(o.backoffMaxDelay !== undefined ? { backoffMaxDelay: o.backoffMaxDelay } : {}),
    policy: DEFAULT_POLICY,
  };
}

/** Every port the network listens on, with who listens. */
export function portsOf(p: NetPlan): { port: number; who: string }[] {
  return [
    ...p.orderers.flatMap((o) => [
      { port: o.port, who: `${o.id} (orderer)` },
      { port: o.adminPort, who: `${o.id} (admin)` },
      { port: o.opsPort, who: `${o.id} (operations)` },
    ]),
    ...p.peers.flatMap((x) => [
      { port: x.port, who: `${x.id} (peer)` },
      { port: x.chaincodePort, who: `${x.id} (chaincode listener)` },
      { port: x.opsPort, who: `${x.id} (operations)` },
    ]),
    { port: p.chaincode.port, who: `${p.chaincode.name} (chaincode server)` },
  ];
}

/** cryptogen's crypto-config.yaml. */
export function cryptoConfigYaml(p: NetPlan): string {
  const sans = ['127.0.0.1', 'localhost'];
  const hostOf = (id: string): string => id.slice(0, id.indexOf('.'));
  return stringify({
    OrdererOrgs: p.orderers.some((o) => o.org === ORDERING_ORG)
      ? [{ Name: 'Ordering', Domain: ORDERING_ORG, EnableNodeOUs: true, Specs: p.orderers.filter((o) => o.org === ORDERING_ORG).map((o) => ({ Hostname: hostOf(o.id), SANS: sans })) }]
      : [],
    PeerOrgs: p.orgs.map((org) => ({
      Name: mspId(org).replace(/MSP$/, ''),
      Domain: org,
      EnableNodeOUs: true,
      // The org's orderer is one of its nodes (one MSP per org, as in the lab).
      Specs: [...p.peers.filter((x) => x.org === org), ...p.orderers.filter((o) => o.org === org)].map((x) => ({ Hostname: hostOf(x.id), SANS: sans })),
      Users: { Count: 1 },
    })),
  });
}

const sig = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
const meta = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });

/** configtx.yaml with one profile, `CertChannel`. */
export function configtxYaml(p: NetPlan): string {
  const orgDef = (org: string): Record<string, unknown> => {
    const msp = mspId(org);
    const peer = p.peers.find((x) => x.org === org);
    return {
      Name: msp,
      ID: msp,
      MSPDir: join(orgCryptoDir(p.dir, org), 'msp'),
      Policies: {
        Readers: sig(`OR('${msp}.member')`),
        Writers: sig(`OR('${msp}.member')`),
        Admins: sig(`OR('${msp}.admin')`),
        Endorsement: sig(`OR('${msp}.peer')`),
      },
      OrdererEndpoints: p.orderers.filter((o) => o.org === org).map((o) => `127.0.0.1:${o.port}`),
      ...(peer !== undefined ? { AnchorPeers: [{ Host: '127.0.0.1', Port: peer.port }] } : {}),
    };
  };
  const ordererOrgs = [...new Set(p.orderers.map((o) => o.org))];
  const tls = (o: OrdererPlan): string => join(o.cryptoDir, 'tls', 'server.crt');
  return stringify({
    Profiles: {
      CertChannel: {
        Policies: { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins') },
        Capabilities: { V3_0: true },
        Orderer: {
          OrdererType: 'BFT',
          BatchTimeout: '2s',
          BatchSize: { MaxMessageCount: 500, AbsoluteMaxBytes: '10 MB', PreferredMaxBytes: '2 MB' },
          MaxChannels: 0,
          ConsenterMapping: p.orderers.map((o) => ({
            ID: o.consenterId,
            Host: '127.0.0.1',
            Port: o.port,
            MSPID: o.msp,
            Identity: join(o.cryptoDir, 'msp', 'signcerts', `${o.id}-cert.pem`),
            ClientTLSCert: tls(o),
            ServerTLSCert: tls(o),
          })),
          SmartBFT: p.smartbft,
          Organizations: ordererOrgs.map(orgDef),
          Policies: { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins'), BlockValidation: meta('ANY Writers') },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: p.orgs.map(orgDef),
          Policies: {
            Readers: meta('ANY Readers'),
            Writers: meta('ANY Writers'),
            Admins: meta('MAJORITY Admins'),
            LifecycleEndorsement: meta(p.policy),
            Endorsement: meta(p.policy),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  });
}

/** Logging: SmartBFT and the ledger at INFO (the lines scenarios wait for), the chatty modules at WARN. */
export const ORDERER_LOGGING = 'info:comm.grpc=warn:grpc=warn:orderer.common.broadcast=warn:orderer.common.deliver=warn:orderer.common.cluster.puller=warn:policies=warn';
/** Peers keep gossip's channel, election, state and privdata lines (the catalog has them); membership chatter is at WARN. */
export const PEER_LOGGING = 'info:comm.grpc=warn:grpc=warn:gossip.discovery=warn:gossip.comm=warn:gossip.pull=warn:endorser=warn:chaincode.platform=warn:policies=warn';

const list = (xs: readonly string[]): string => `[${xs.join(',')}]`;

/** Every org's TLS CA (orderers trust them all for the cluster and the admin endpoint). */
export function tlsCas(p: NetPlan): string[] {
  const orgs = [...new Set([...p.orgs, ...p.orderers.map((o) => o.org)])];
  return orgs.map((org) => join(orgCryptoDir(p.dir, org), 'tlsca', `tlsca.${org}-cert.pem`));
}

export function ordererEnv(p: NetPlan, o: OrdererPlan): Record<string, string> {
  const t = (f: string): string => join(o.cryptoDir, 'tls', f);
  const cas = tlsCas(p);
  return {
    FABRIC_CFG_PATH: join(p.fabricHome, 'config'),
    FABRIC_LOGGING_SPEC: ORDERER_LOGGING,
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(o.port),
    ORDERER_GENERAL_LOCALMSPID: o.msp,
    ORDERER_GENERAL_LOCALMSPDIR: join(o.cryptoDir, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: t('server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: t('server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: list([t('ca.crt')]),
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: t('server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: t('server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: list(cas),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    // orderer.yaml General.Backoff.MaxDelay (sampleconfig 2m): a restarted orderer is
    // redialled within seconds, as in Fabric's own smartbft integration test.
    ORDERER_GENERAL_BACKOFF_MAXDELAY: backoffMaxDelayOf(p),
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${o.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: t('server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: t('server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: list([t('ca.crt')]),
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: list(cas),
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${o.opsPort}`,
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: join(o.dataDir, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(o.dataDir, 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(o.dataDir, 'snap'),
  };
}

export function peerEnv(p: NetPlan, x: PeerPlan): Record<string, string> {
  const t = (f: string): string => join(x.cryptoDir, 'tls', f);
  return {
    FABRIC_CFG_PATH: join(p.fabricHome, 'config'),
    FABRIC_LOGGING_SPEC: PEER_LOGGING,
    CORE_PEER_ID: x.id,
    CORE_PEER_ADDRESS: `127.0.0.1:${x.port}`,
    CORE_PEER_LISTENADDRESS: `127.0.0.1:${x.port}`,
    CORE_PEER_CHAINCODEADDRESS: `127.0.0.1:${x.chaincodePort}`,
    CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${x.chaincodePort}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: `127.0.0.1:${x.port}`,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: `127.0.0.1:${x.port}`,
    // Peers meet other orgs' peers (anchor peers) only after joining the channel; the
    // first attempts fail (no channel yet), and the default retry is 25 s later.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '2s',
    CORE_PEER_LOCALMSPID: x.msp,
    CORE_PEER_MSPCONFIGPATH: join(x.cryptoDir, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: t('server.crt'),
    CORE_PEER_TLS_KEY_FILE: t('server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: t('ca.crt'),
    CORE_PEER_FILESYSTEMPATH: x.dataDir,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(x.dataDir, 'snapshots'),
    CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
    CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${x.opsPort}`,
    CORE_METRICS_PROVIDER: 'prometheus',
    // Empty: no Docker (peer/node/start.go creates the Docker client only when it is set).
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas, path: ${join(p.dir, 'builders', 'ccaas')}}]`,
    CORE_PEER_GATEWAY_ENABLED: 'true',
  };
}

/** The org admin's environment for the `peer` CLI against its own peer. */
export function adminEnv(p: NetPlan, x: PeerPlan): Record<string, string> {
  return {
    FABRIC_CFG_PATH: join(p.fabricHome, 'config'),
    FABRIC_LOGGING_SPEC: 'warn',
    CORE_PEER_LOCALMSPID: x.msp,
    CORE_PEER_MSPCONFIGPATH: x.adminMsp,
    CORE_PEER_ADDRESS: `127.0.0.1:${x.port}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: x.tlsCa,
    CORE_PEER_FILESYSTEMPATH: join(x.dataDir, 'cli'),
    CORE_VM_ENDPOINT: '',
  };
}

/** The chaincode server's environment (fabric-chaincode-node reads CORE_* through yargs). */
export function chaincodeServerEnv(p: NetPlan, packageId: string): Record<string, string> {
  return { CORE_CHAINCODE_ADDRESS: p.chaincode.address, CORE_CHAINCODE_ID: packageId, CORE_CHAINCODE_LOGGING_LEVEL: 'info' };
}

/** The ccaas package: connection.json in code.tar.gz, metadata.json beside it. */
export function ccaasFiles(p: NetPlan): { connection: string; metadata: string } {
  return {
    connection: `${JSON.stringify({ address: p.chaincode.address, dial_timeout: '10s', tls_required: false }, null, 2)}\n`,
    metadata: `${JSON.stringify({ type: 'ccaas', label: p.chaincode.label })}\n`,
  };
}

/** The ccaas external builder's three scripts (detect, build, release), POSIX sh. */
export const CCAAS_BUILDER: Readonly<Record<'detect' | 'build' | 'release', string>> = {
  detect: `#!/bin/sh
# detect CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR: ours when metadata.json says "ccaas".
grep -q '"type"[[:space:]]*:[[:space:]]*"ccaas"' "$2/metadata.json"
`,
  build: `#!/bin/sh
# build CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR BUILD_OUTPUT_DIR: nothing to compile.
set -e
[ -f "$1/connection.json" ] || { echo "ccaas build: no connection.json in the package" >&2; exit 1; }
cp "$1/connection.json" "$3/connection.json"
cp "$2/metadata.json" "$3/metadata.json"
`,
  release: `#!/bin/sh
# release BUILD_OUTPUT_DIR RELEASE_OUTPUT_DIR: the peer dials the address in connection.json.
set -e
mkdir -p "$2/chaincode/server"
cp "$1/connection.json" "$2/chaincode/server/connection.json"
`,
};
