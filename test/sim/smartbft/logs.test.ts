/**
 * Golden transcripts: SmartBFT's log lines as Fabric 3.x prints them, byte for byte, and
 * read back by the shared parser into the same kinds and arguments.
 */
import { describe, expect, it } from 'vitest';
import { LogParser, renderLine, type LogEvent } from '../../../src/shared/log-format.ts';
import { SMARTBFT_LOGS } from '../../../src/sim/smartbft/logs.ts';
import { goDuration } from '../../../src/shared/duration.ts';
import { BftCluster } from './harness.ts';

const catalog = new Map(SMARTBFT_LOGS.map((f) => [f.kind, f]));

function render(kind: string, args: (string | number)[], atMs: number, seq: number, channel = 'certchannel'): string {
  const fmt = catalog.get(kind);
  if (fmt === undefined) throw new Error(`no catalog entry ${kind}`);
  return renderLine(fmt, { type: 'log', kind, args, fields: { channel } }, atMs, seq);
}

describe('SmartBFT log lines', () => {
  it('renders the issue example byte for byte', () => {
    expect(render('smartbft.startView', [1, 8, 0], 5_131, 0x0a4c)).toBe(
      '2026-03-14 10:00:05.131 UTC 0a4c INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=certchannel',
    );
  });

  it('renders the reference examples (leader crash, restart) byte for byte', () => {
    const lines = [
      render('smartbft.heartbeatTimeout', ['1m0s', 1, '1m0.000412s'], 305_002, 0x0a3f, 'mychannel'),
      render('smartbft.changeRole', ['follower', 1, 2], 305_131, 0x0a4c, 'mychannel'),
      render('smartbft.deliver', [8, 1, 1325, '[2 4 3]', 3], 307_481, 0x0a5a, 'mychannel'),
      render('smartbft.safelyCommitted', [6], 0, 1, 'mychannel'),
      render('smartbft.fetchedBlock', [223], 0, 0x164fa, 'channel1'),
    ];
    expect(lines).toEqual([
      '2026-03-14 10:05:05.002 UTC 0a3f WARN [orderer.consensus.smartbft.consensus] followerTick -> Heartbeat timeout (1m0s) from 1 expired; last heartbeat was observed 1m0.000412s ago channel=mychannel',
      '2026-03-14 10:05:05.131 UTC 0a4c INFO [orderer.consensus.smartbft.consensus] ChangeRole -> Changing to follower role, current view: 1, current leader: 2 channel=mychannel',
      '2026-03-14 10:05:07.481 UTC 0a5a INFO [orderer.consensus.smartbft.chain] Deliver -> Delivering proposal, writing block 8 with 1 transactions and metadata of total size 1325 with signatures from [2 4 3] to the ledger, node id 3 channel=mychannel',
      '2026-03-14 10:00:00.000 UTC 0001 INFO [orderer.consensus.smartbft.consensus] recoverPrepared -> Last proposal with sequence 6 has been safely committed channel=mychannel',
      '2026-03-14 10:00:00.000 UTC 164fa DEBU [orderer.consensus.smartbft.chain] getBlocksFromSyncBuffer -> Fetched and committed block [223] from cluster channel=channel1',
    ]);
  });

  it('parses a real Fabric line back into kind and arguments', () => {
    const p = new LogParser(SMARTBFT_LOGS);
    const parsed = p.parse(
      '2024-11-09 09:06:46.618 UTC 164fa DEBU [orderer.consensus.smartbft.chain] getBlocksFromSyncBuffer -> Fetched and committed block [223] from cluster channel=channel1',
    );
    expect(parsed?.kind).toBe('smartbft.fetchedBlock');
    expect(parsed?.args).toEqual([223]);
    expect(p.parse('2025-03-04 09:16:05.131 UTC 0a4d INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=mychannel')?.args).toEqual([1, 8, 0]);
  });

  it('formats Go durations as Go does', () => {
    expect([goDuration(60_000), goDuration(20_000), goDuration(500), goDuration(60_000.412), goDuration(3_600_000)]).toEqual([
      '1m0s',
      '20s',
      '500ms',
      '1m0.000412s',
      '1h0m0s',
    ]);
  });

  it('golden transcript: node 3 of 4 after leader 1 crashes idle at block 7 (INFO and above)', () => {
    const c = new BftCluster({ n: 4, keep: true, seed: 3 });
    for (let k = 0; k < 7; k++) {
      c.submit('c', 1);
      c.run(300);
    }
    c.sim.crash('orderer1');
    c.run(61_000);
    c.submit('c', 1);
    c.run(3_000);
    const lines: string[] = [];
    let seq = 0;
    for (const r of c.records) {
      if (r.k !== 'event' || r.node !== 'orderer3') continue;
      const e = r.e as LogEvent;
      if (e.type !== 'log') continue;
      seq++;
      const fmt = catalog.get(e.kind)!;
      if (r.t > 2_100 && fmt.level !== 'DEBU') lines.push(renderLine(fmt, e, r.t, seq));
    }
    expect(lines.join('\n')).toBe(
      [
        '2026-03-14 10:01:01.040 UTC 0042 WARN [orderer.consensus.smartbft.consensus] followerTick -> Heartbeat timeout (1m0s) from 1 expired; last heartbeat was observed 1m0s ago channel=certchannel',
        '2026-03-14 10:01:01.040 UTC 0043 WARN [orderer.consensus.smartbft.consensus] OnHeartbeatTimeout -> Heartbeat timeout expired, complaining about leader: 1 channel=certchannel',
        '2026-03-14 10:01:01.047 UTC 0048 INFO [orderer.consensus.smartbft.consensus] ChangeRole -> Changing to follower role, current view: 1, current leader: 2 channel=certchannel',
        '2026-03-14 10:01:01.047 UTC 0049 INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=certchannel',
        '2026-03-14 10:01:03.147 UTC 004a INFO [orderer.consensus.smartbft.consensus] processProposal -> Processed proposal with seq 8 channel=certchannel',
        '2026-03-14 10:01:03.150 UTC 004b INFO [orderer.consensus.smartbft.consensus] processPrepares -> 3 collected 2 prepares from [2 4] channel=certchannel',
        '2026-03-14 10:01:03.150 UTC 004c INFO [orderer.consensus.smartbft.consensus] processPrepares -> Processed prepares for proposal with seq 8 channel=certchannel',
        '2026-03-14 10:01:03.153 UTC 004d INFO [orderer.consensus.smartbft.consensus] processCommits -> 3 collected 2 commits from [4 2] channel=certchannel',
        '2026-03-14 10:01:03.153 UTC 004e INFO [orderer.consensus.smartbft.consensus] prepared -> 3 processed commits for proposal with seq 8 channel=certchannel',
        '2026-03-14 10:01:03.153 UTC 004f INFO [orderer.consensus.smartbft.consensus] decide -> Deciding on seq 8 channel=certchannel',
        '2026-03-14 10:01:03.153 UTC 0050 INFO [orderer.consensus.smartbft.consensus] startNextSeq -> Sequence: 8-->9 channel=certchannel',
        '2026-03-14 10:01:03.153 UTC 0051 INFO [orderer.consensus.smartbft.chain] Deliver -> Delivering proposal, writing block 8 with 1 transactions and metadata of total size 1325 with signatures from [4 2 3] to the ledger, node id 3 channel=certchannel',
      ].join('\n'),
    );
  });

  it('every emitted log kind is in the catalog', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 3);
    c.run(1_000);
    c.sim.crash('orderer1');
    c.run(100_000);
    c.sim.restart('orderer1');
    c.run(100_000);
    for (const r of c.records) {
      if (r.k === 'event' && (r.e as { type: string }).type === 'log') expect(catalog.has((r.e as LogEvent).kind)).toBe(true);
    }
  });
});
