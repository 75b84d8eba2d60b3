import { describe, expect, test } from 'vitest';
import { LogParser } from '../../src/shared/log-format.ts';
import { LOG_CATALOG } from '../../src/sim/logs/catalog.ts';
import {
  ordererStateFromLogs,
  ordererStatus,
  parseCouchDbInfo,
  parseGetInfo,
  parseLogText,
  parsePrometheusText,
  pickSample,
} from '../../src/shared/node-output.ts';

const parser = new LogParser(LOG_CATALOG);
const T0 = Date.UTC(2021, 0, 1);

describe('oc logs parsing: real Fabric and SmartBFT lines (reference files)', () => {
  test('Fabric 2.5/3.x peer lines become typed events with their arguments', () => {
    const text = [
      '2023-12-28 11:39:51.907 UTC 00a2 INFO [gossip.privdata] StoreBlock -> Received block [9] from buffer channel=mychannel',
      '2021-12-07 10:49:32.435 UTC 0044 INFO [committer.txvalidator] Validate -> [ch1] Validated block [3] in 1ms',
      '2021-12-07 10:49:32.444 UTC 0045 INFO [kvledger] commit -> [ch1] Committed block [3] with 1 transaction(s) in 8ms (state_validation=0ms block_and_pvtdata_commit=2ms state_commit=1ms) commitHash=[dc82ed01f690db15fc7a01ccf8dfd60680065434d94f0f83872fe2152ea62b96]',
      '2024-11-09 03:44:22.139 UTC 002a INFO [gossip.gossip] JoinChan -> Joining gossip network of channel channel with 1 organizations',
    ].join('\n');
    const lines = parseLogText(text, 'peer0.techpulse', T0, parser);
    expect(lines.map((l) => l.kind)).toEqual(['privdata.receivedBlock', 'txvalidator.validated', 'kvledger.committed', 'gossip.joinChan']);
    expect(lines[0]?.args).toEqual([9]);
    expect(lines[2]?.args?.slice(0, 3)).toEqual(['ch1', 3, 1]);
    expect(lines[3]?.args).toEqual(['channel', 1]);
    expect(lines[2]?.at).toBe(Date.UTC(2021, 11, 7, 10, 49, 32, 444) - T0);
    expect(lines.every((l) => l.node === 'peer0.techpulse')).toBe(true);
  });

  test('SmartBFT lines from Fabric 3.0 and the integration tests, with ANSI colours, become typed events', () => {
    const text = [
      '\x1b[36m2024-11-09 09:06:46.618 UTC 164fa DEBU\x1b[0m [orderer.consensus.smartbft.chain] \x1b[36;1mgetBlocksFromSyncBuffer\x1b[0m -> Fetched and committed block [223] from cluster channel=channel1',
      '\x1b[34m2025-03-04 09:16:05.131 UTC 0a4c INFO\x1b[0m [orderer.consensus.smartbft.consensus] \x1b[34;1mChangeRole\x1b[0m -> Changing to follower role, current view: 1, current leader: 2 channel=mychannel',
      '2025-03-04 09:16:05.131 UTC 0a4d INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=mychannel',
      '2025-03-04 09:16:07.481 UTC 0a5a INFO [orderer.consensus.smartbft.chain] Deliver -> Delivering proposal, writing block 8 with 1 transactions and metadata of total size 1325 with signatures from [2 4 3] to the ledger, node id 3 channel=mychannel',
    ].join('\r\n');
    const lines = parseLogText(text, 'orderer.org3', T0, parser);
    expect(lines.map((l) => l.kind)).toEqual(['smartbft.fetchedBlock', 'smartbft.changeRole', 'smartbft.startView', 'smartbft.deliver']);
    expect(lines[1]?.args).toEqual(['follower', 1, 2]);
    expect(lines[2]?.args).toEqual([1, 8, 0]);
    expect(lines[0]?.text).not.toContain('\x1b');
    expect(lines[0]?.text.endsWith('channel=channel1')).toBe(true);
  });

  test('Fabric 2.3 and older line shape (level and id after the function)', () => {
    const lines = parseLogText(
      '2022-06-05 13:25:22.258 UTC [kvledger] commit -> INFO 02f [mychannel] Committed block [5] with 1 transaction(s) in 8ms (state_validation=0ms block_and_pvtdata_commit=2ms state_commit=1ms) commitHash=[ab]',
      'peer0.dataforge',
      T0,
      parser,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'kvledger.committed', level: 'INFO', module: 'kvledger', func: 'commit' });
    expect(lines[0]?.args?.slice(0, 2)).toEqual(['mychannel', 5]);
  });

  test('non-Fabric lines (banners, stack traces) are skipped, unknown Fabric messages kept without a kind', () => {
    const lines = parseLogText(
      'peer:\n Version: 3.1.0\n2025-03-04 09:16:05.002 UTC 0a3f INFO [nodeCmd] serve -> Something new in 3.2\n\n',
      'peer0.org3',
      T0,
      parser,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]?.kind).toBeUndefined();
    expect(lines[0]?.message).toBe('Something new in 3.2');
  });

  test('the lab restart sequence gives the orderer status a returning follower shows', () => {
    const text = [
      '2025-03-04 09:20:00.001 UTC 0001 INFO [orderer.consensus.smartbft.chain] InitializeAndReadAll -> Write-Ahead-Log initialized successfully, initial state contains 2 entries channel=certchannel',
      '2025-03-04 09:20:00.002 UTC 0002 INFO [orderer.consensus.smartbft.consensus] Restore -> WAL contains 2 entries channel=certchannel',
      '2025-03-04 09:20:00.003 UTC 0003 INFO [orderer.consensus.smartbft.consensus] recoverPrepared -> Last proposal with sequence 6 has been safely committed channel=certchannel',
      '2025-03-04 09:20:00.004 UTC 0004 INFO [orderer.consensus.smartbft.consensus] ChangeRole -> Changing to follower role, current view: 0, current leader: 1 channel=certchannel',
      '2025-03-04 09:20:00.005 UTC 0005 INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 0, sequence 6, and decisions 5 channel=certchannel',
      '2025-03-04 09:20:01.000 UTC 0006 INFO [orderer.consensus.smartbft.chain] synchronize -> Finished synchronizing with cluster, fetched 2 blocks, starting from block [6], up until and including block [7] channel=certchannel',
    ].join('\n');
    const lines = parseLogText(text, 'orderer.dataforge', T0, parser);
    expect(lines[2]?.kind).toBe('smartbft.safelyCommitted');
    const state = ordererStateFromLogs(lines);
    expect(state).toEqual({ view: 0, leaderId: 1, role: 'follower', lastBlock: 7 });
    const ids = new Map([
      [1, 'orderer.techpulse'],
      [2, 'orderer.dataforge'],
    ]);
    expect(ordererStatus(true, state, {}, ids, 2)).toEqual({ committedBlock: -1, lastBlock: 7, view: 0, leader: 'orderer.techpulse', role: 'follower' });
    expect(ordererStatus(true, state, { committedBlock: 5, height: 8 }, ids, 2)).toMatchObject({ committedBlock: 5, lastBlock: 7 });
    expect(ordererStatus(false, state, {}, ids, 2)).toMatchObject({ role: 'down', leader: null });
  });
});

describe('peer channel getinfo', () => {
  test('the documented output, with the CLI log line on the same stream', () => {
    const out =
      '2024-01-01 00:00:00.000 UTC 0001 INFO [channelCmd] InitCmdFactory -> Endorser and orderer connections initialized\n' +
      'Blockchain info: {"height":5,"currentBlockHash":"JgK9lcaPUNmFb5Mp1qe1SVMsx3o/22Ct4+n5tejcXCw=","previousBlockHash":"f8lZXoAn3gF86zrFq7L1DzW2aKuabH9Ow6SIE5Y04a4="}\n';
    expect(parseGetInfo(out)).toEqual({
      height: 5,
      currentBlockHash: 'JgK9lcaPUNmFb5Mp1qe1SVMsx3o/22Ct4+n5tejcXCw=',
      previousBlockHash: 'f8lZXoAn3gF86zrFq7L1DzW2aKuabH9Ow6SIE5Y04a4=',
    });
  });

  test('height 1 has no previousBlockHash (omitempty)', () => {
    expect(parseGetInfo('Blockchain info: {"height":1,"currentBlockHash":"abc="}')).toEqual({ height: 1, currentBlockHash: 'abc=' });
  });

  test('missing line or bad JSON give a clear error', () => {
    expect(() => parseGetInfo('Error: channel certchannel not found\n')).toThrow(/no "Blockchain info:" line.*channel certchannel not found/);
    expect(() => parseGetInfo('Blockchain info: {"height":')).toThrow(/malformed JSON/);
    expect(() => parseGetInfo('Blockchain info: {"height":"5"}')).toThrow(/height/);
  });
});

describe('CouchDB and metrics', () => {
  test('doc_count, and the lab\'s "Database does not exist" answer', () => {
    expect(parseCouchDbInfo('{"db_name":"certchannel_certcontract","doc_count":14,"doc_del_count":0}', 'certchannel_certcontract')).toBe(14);
    expect(() => parseCouchDbInfo('{"error":"not_found","reason":"Database does not exist."}', 'certchannel_certcontract')).toThrow(
      'CouchDB database certchannel_certcontract does not exist (Database does not exist.)',
    );
  });

  test('Prometheus text: the sample for one deployment and channel', () => {
    const text = [
      '# HELP consensus_BFT_committed_block_number The number of the latest committed block.',
      '# TYPE consensus_BFT_committed_block_number gauge',
      'consensus_BFT_committed_block_number{channel="certchannel",namespace="certchain-dataforge",pod="orderer-7d9f"} 12',
      'consensus_BFT_committed_block_number{channel="certchannel",namespace="certchain-techpulse",pod="orderer-1a2b"} 14',
      'ledger_blockchain_height{channel="certchannel",namespace="certchain-techpulse",pod="peer0-1234"} 15',
    ].join('\n');
    const s = parsePrometheusText(text);
    expect(s).toHaveLength(3);
    expect(pickSample(s, 'consensus_BFT_committed_block_number', 'certchain-dataforge', 'orderer', 'certchannel')).toBe(12);
    expect(pickSample(s, 'ledger_blockchain_height', 'certchain-techpulse', 'peer0', 'certchannel')).toBe(15);
    expect(pickSample(s, 'ledger_blockchain_height', 'certchain-techpulse', 'orderer', 'certchannel')).toBeUndefined();
  });
});
