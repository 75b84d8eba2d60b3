/** The local network's plan (src/local/plan.ts): ids, ports, channel config, environment. No binaries needed. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  backoffMaxDelayOf,
  ccaasFiles,
  configtxYaml,
  cryptoConfigYaml,
  describeSmartBft,
  goDurationMs,
  makePlan,
  ordererEnv,
  parseSmartBftOptions,
  peerEnv,
  portsOf,
  SMARTBFT_DEFAULTS,
} from '../../src/local/plan.ts';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/sim/smartbft/config.ts';
import { simSmartBft } from '../../src/cli/commands/local.ts';
import { topologyMismatch } from '../../src/local/cluster.ts';
import type { NetState } from '../../src/local/net.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

const plan = (o: Partial<Parameters<typeof makePlan>[0]> = {}) => makePlan({ dir: '/tmp/x/net', fabricHome: '/opt/fabric', ...o });

describe('makePlan', () => {
  it('numbers consenters in the model order: one orderer per org, then the ordering org', () => {
    const p = plan({ orderers: 7 });
    expect(p.orderers.map((o) => [o.consenterId, o.id, o.msp])).toEqual([
      [1, 'orderer.techpulse', 'TechpulseMSP'],
      [2, 'orderer.dataforge', 'DataforgeMSP'],
      [3, 'orderer.org3', 'Org3MSP'],
      [4, 'orderer.ordering', 'OrderingMSP'],
      [5, 'orderer5.ordering', 'OrderingMSP'],
      [6, 'orderer6.ordering', 'OrderingMSP'],
      [7, 'orderer7.ordering', 'OrderingMSP'],
    ]);
    expect(p.peers.map((x) => x.id)).toEqual(['peer0.techpulse', 'peer0.dataforge', 'peer0.org3']);
  });

  it('gives every listener its own port within 100 of the base port', () => {
    const p = plan({ orderers: 16, basePort: 30000 });
    const ports = portsOf(p).map((x) => x.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(30000);
    expect(Math.max(...ports)).toBeLessThan(30100);
  });

  it('refuses orderer counts and base ports it cannot lay out', () => {
    expect(() => plan({ orderers: 17 })).toThrow('--orderers: a local network has 1 to 16 orderers, got 17');
    expect(() => plan({ basePort: 65500 })).toThrow('--base-port: between 1024 and 65435, got 65500');
  });
});

describe('SmartBFT options', () => {
  it("defaults to Fabric's, which are the model's", () => {
    const { options, changed } = parseSmartBftOptions(undefined);
    expect(changed).toEqual([]);
    expect(goDurationMs(options.LeaderHeartbeatTimeout)).toBe(DEFAULT_CONFIG.LeaderHeartbeatTimeout);
    expect(goDurationMs(options.RequestForwardTimeout)).toBe(DEFAULT_CONFIG.RequestForwardTimeout);
    expect(goDurationMs(options.RequestComplainTimeout)).toBe(DEFAULT_CONFIG.RequestComplainTimeout);
    expect(goDurationMs(options.ViewChangeTimeout)).toBe(DEFAULT_CONFIG.ViewChangeTimeout);
    expect(goDurationMs(options.RequestBatchMaxInterval)).toBe(DEFAULT_CONFIG.RequestBatchMaxInterval);
    expect(options.LeaderHeartbeatCount).toBe(DEFAULT_CONFIG.LeaderHeartbeatCount);
    expect(options.RequestPoolSize).toBe(DEFAULT_CONFIG.RequestPoolSize);
    expect(describeSmartBft(options, changed)).toBe(
      "SmartBFT: LeaderHeartbeatTimeout=1m0s LeaderHeartbeatCount=10 RequestForwardTimeout=2s RequestComplainTimeout=20s ViewChangeTimeout=20s RequestBatchMaxInterval=50ms (all Fabric's defaults)",
    );
  });

  it('takes overrides and says which were given', () => {
    const { options, changed } = parseSmartBftOptions('LeaderHeartbeatTimeout=10s, RequestComplainTimeout=8s,SyncOnStart=true');
    expect(options).toEqual({ ...SMARTBFT_DEFAULTS, LeaderHeartbeatTimeout: '10s', RequestComplainTimeout: '8s', SyncOnStart: true });
    expect(describeSmartBft(options, changed)).toBe(
      'SmartBFT: LeaderHeartbeatTimeout=10s* LeaderHeartbeatCount=10 RequestForwardTimeout=2s RequestComplainTimeout=8s* ViewChangeTimeout=20s RequestBatchMaxInterval=50ms SyncOnStart=true* (* given, the rest Fabric\'s defaults)',
    );
  });

  it('gives the simulator the same options, in its units', () => {
    const { options, changed } = parseSmartBftOptions('LeaderHeartbeatTimeout=10s,RequestComplainTimeout=8s,RequestBatchMaxInterval=1m30s,IncomingMessageBufferSize=300');
    const sim = simSmartBft(options, changed);
    // IncomingMessageBufferSize is not modelled.
    expect(sim).toEqual({ LeaderHeartbeatTimeout: 10_000, RequestComplainTimeout: 8_000, RequestBatchMaxInterval: 90_000 });
    expect(resolveConfig(sim).LeaderHeartbeatTimeout).toBe(10_000);
  });

  it('refuses what the orderer would refuse, in one line', () => {
    expect(() => parseSmartBftOptions('Heartbeat=1s')).toThrow(/^--smartbft: unknown option "Heartbeat" \(known: RequestBatchMaxInterval, /);
    expect(() => parseSmartBftOptions('ViewChangeTimeout=soon')).toThrow('--smartbft: ViewChangeTimeout is a duration such as 500ms, 10s or 1m30s, got "soon"');
    expect(() => parseSmartBftOptions('LeaderHeartbeatCount=0')).toThrow('--smartbft: LeaderHeartbeatCount is a whole number > 0, got "0"');
    expect(() => parseSmartBftOptions('RequestForwardTimeout=30s')).toThrow('--smartbft: RequestForwardTimeout must be at most RequestComplainTimeout (SmartBFT Validate)');
    expect(() => parseSmartBftOptions('ViewChangeResendInterval=30s')).toThrow('--smartbft: ViewChangeResendInterval must be at most ViewChangeTimeout (SmartBFT Validate)');
    expect(() => parseSmartBftOptions('SyncOnStart')).toThrow('--smartbft: SyncOnStart needs a value (SyncOnStart=...)');
  });
});

describe('channel config', () => {
  it('is a BFT channel with the consenter mapping in model order, V3_0 and MAJORITY Endorsement', () => {
    const p = plan({ smartbft: 'LeaderHeartbeatTimeout=10s' });
    const c = parse(configtxYaml(p)) as { Profiles: { CertChannel: Record<string, any> } };
    const prof = c.Profiles.CertChannel;
    expect(prof['Capabilities']).toEqual({ V3_0: true });
    expect(prof['Orderer'].OrdererType).toBe('BFT');
    expect(prof['Orderer'].ConsenterMapping.map((m: { ID: number; Host: string; Port: number; MSPID: string }) => [m.ID, m.Host, m.Port, m.MSPID])).toEqual([
      [1, '127.0.0.1', 27050, 'TechpulseMSP'],
      [2, '127.0.0.1', 27053, 'DataforgeMSP'],
      [3, '127.0.0.1', 27056, 'Org3MSP'],
      [4, '127.0.0.1', 27059, 'OrderingMSP'],
    ]);
    expect(prof['Orderer'].ConsenterMapping[0].Identity).toBe('/tmp/x/net/crypto/peerOrganizations/techpulse/peers/orderer.techpulse/msp/signcerts/orderer.techpulse-cert.pem');
    expect(prof['Orderer'].SmartBFT.LeaderHeartbeatTimeout).toBe('10s');
    expect(prof['Orderer'].BatchSize.MaxMessageCount).toBe(DEFAULT_CONFIG.RequestBatchMaxCount);
    expect(prof['Application'].Policies.Endorsement).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
    expect(prof['Application'].Policies.LifecycleEndorsement).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
    const tp = prof['Application'].Organizations[0];
    expect(tp.OrdererEndpoints).toEqual(['127.0.0.1:27050']);
    expect(tp.AnchorPeers).toEqual([{ Host: '127.0.0.1', Port: 27100 }]);
  });

  it('puts each org’s orderer in the org and 127.0.0.1 in every SAN', () => {
    const c = parse(cryptoConfigYaml(plan({ orderers: 5 }))) as { PeerOrgs: any[]; OrdererOrgs: any[] };
    expect(c.PeerOrgs[0]).toEqual({
      Name: 'Techpulse',
      Domain: 'techpulse',
      EnableNodeOUs: true,
      Specs: [
        { Hostname: 'peer0', SANS: ['127.0.0.1', 'localhost'] },
        { Hostname: 'orderer', SANS: ['127.0.0.1', 'localhost'] },
      ],
      Users: { Count: 1 },
    });
    expect(c.OrdererOrgs[0].Specs.map((s: { Hostname: string }) => s.Hostname)).toEqual(['orderer', 'orderer5']);
  });
});

describe('environment', () => {
  it('runs orderers without a system channel, with metrics, a 3 s back-off, on 127.0.0.1 only', () => {
    const p = plan();
    const e = ordererEnv(p, p.orderers[1]!);
    expect(e).toMatchObject({
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_GENERAL_BACKOFF_MAXDELAY: '3s',
      ORDERER_METRICS_PROVIDER: 'prometheus',
      ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
      ORDERER_GENERAL_LISTENPORT: '27053',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:27054',
      ORDERER_OPERATIONS_LISTENADDRESS: '127.0.0.1:27055',
      ORDERER_GENERAL_LOCALMSPID: 'DataforgeMSP',
      FABRIC_CFG_PATH: '/opt/fabric/config',
    });
    for (const [k, v] of Object.entries(e)) if (/ADDRESS$/.test(k)) expect(v.startsWith('127.0.0.1')).toBe(true);
  });

  it('runs peers on LevelDB without Docker, with the ccaas builder of the run folder', () => {
    const p = plan();
    const e = peerEnv(p, p.peers[2]!);
    expect(e).toMatchObject({
      CORE_VM_ENDPOINT: '',
      CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
      CORE_CHAINCODE_EXTERNALBUILDERS: '[{name: ccaas, path: /tmp/x/net/builders/ccaas}]',
      CORE_PEER_LISTENADDRESS: '127.0.0.1:27106',
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: '127.0.0.1:27106',
      CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:27108',
      CORE_METRICS_PROVIDER: 'prometheus',
    });
  });

  it('packages the chaincode as a service at the planned address', () => {
    const f = ccaasFiles(plan());
    expect(JSON.parse(f.connection)).toEqual({ address: '127.0.0.1:27140', dial_timeout: '10s', tls_required: false });
    expect(JSON.parse(f.metadata)).toEqual({ type: 'ccaas', label: 'certcontract_1.0' });
  });
});

describe('net up --backoff-max-delay (orderer.yaml General.Backoff.MaxDelay)', () => {
  const state = (backoffMaxDelay?: string): NetState => ({ plan: plan(backoffMaxDelay !== undefined ? { backoffMaxDelay } : {}) }) as unknown as NetState;
  const wants = (ordererBackoffMaxDelay: string): Scenario => ({ name: 'b', topology: { ordererBackoffMaxDelay }, steps: [{ sleep: '1s' }] });

  it('goes to every orderer as ORDERER_GENERAL_BACKOFF_MAXDELAY; a network made without it ran with 3s', () => {
    const p = plan({ backoffMaxDelay: '2m0s' });
    for (const o of p.orderers) expect(ordererEnv(p, o).ORDERER_GENERAL_BACKOFF_MAXDELAY).toBe('2m0s');
    expect(backoffMaxDelayOf(plan())).toBe('3s');
  });

  it('is checked as the scenario option is: a Go duration from 1s to 24h', () => {
    expect(() => plan({ backoffMaxDelay: '500ms' })).toThrow("--backoff-max-delay: 500ms is shorter than the back-off's BaseDelay 1s: gRPC's first redial waits 1s whatever the cap");
    expect(() => plan({ backoffMaxDelay: '25h' })).toThrow('--backoff-max-delay: 25h is longer than the limit of 24h');
    expect(() => plan({ backoffMaxDelay: 'soon' })).toThrow('--backoff-max-delay: expected a Go duration such as 3s or 2m0s (orderer.yaml General.Backoff.MaxDelay), got "soon"');
  });

  it("the local target runs a scenario whose cap is the network's (by value) and names the flag otherwise", () => {
    expect(topologyMismatch(wants('3s'), state())).toBeUndefined();
    expect(topologyMismatch(wants('2m'), state('2m0s'))).toBeUndefined();
    expect(topologyMismatch(wants('2m'), state())).toBe("the scenario's ordererBackoffMaxDelay is 2m, the local network's 3s (net up --backoff-max-delay 2m)");
  });
});
