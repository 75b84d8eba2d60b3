import { describe, expect, it } from 'vitest';
import { LogParser, logTime, renderLine, sprintf, type LogFormat } from '../../../src/shared/log-format.ts';
import { LOG_CATALOG } from '../../../src/sim/logs/catalog.ts';

const catalog: LogFormat[] = [
  { kind: 'smartbft.startView', module: 'orderer.consensus.smartbft.consensus', func: 'startView', level: 'INFO', format: 'Starting view with number %d, sequence %d, and decisions %d' },
  { kind: 'smartbft.changeRole', module: 'orderer.consensus.smartbft.consensus', func: 'ChangeRole', level: 'INFO', format: 'Changing to %s role, current view: %d, current leader: %d' },
  { kind: 'kvledger.committed', module: 'kvledger', func: 'commit', level: 'INFO', format: '[%s] Committed block [%d] with %d transaction(s) in %dms (state_validation=%dms block_and_pvtdata_commit=%dms state_commit=%dms) commitHash=[%x]' },
  { kind: 'gossip.joinChan', module: 'gossip.gossip', func: 'JoinChan', level: 'INFO', format: 'Joining gossip network of channel %s with %d organizations' },
];
const byKind = (k: string): LogFormat => catalog.find((c) => c.kind === k)!;

describe('logs: Fabric line shape, rendered and parsed', () => {
  it('renders the SmartBFT startView line byte for byte', () => {
    const line = renderLine(byKind('smartbft.startView'), { type: 'log', kind: 'smartbft.startView', args: [1, 8, 0], fields: { channel: 'certchannel' } }, 5131, 0x0a4c);
    expect(line).toBe(
      '2026-03-14 10:00:05.131 UTC 0a4c INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=certchannel',
    );
  });

  it('sprintf covers the Go verbs our catalogs use', () => {
    expect(sprintf('%d %s %v %x %q 100%%', [7.9, 'a', 'b', 255, 'q'])).toBe('7 a b ff "q" 100%');
    expect(sprintf('%d and %d', [1])).toBe('1 and %!d(MISSING)');
  });

  it('log ids are at least 4 hex digits and grow past them', () => {
    expect(renderLine(byKind('gossip.joinChan'), { type: 'log', kind: 'gossip.joinChan', args: ['certchannel', 3] }, 0, 0x164fa)).toBe(
      '2026-03-14 10:00:00.000 UTC 164fa INFO [gossip.gossip] JoinChan -> Joining gossip network of channel certchannel with 3 organizations',
    );
    expect(logTime(61_000.9, Date.UTC(2025, 2, 4, 9, 15, 4, 2))).toBe('2025-03-04 09:16:05.002 UTC');
  });

  it('parses real 3.x lines, with ANSI colour codes, into kinds and arguments', () => {
    const p = new LogParser(catalog);
    const real =
      '\x1b[34m2021-12-07 10:49:32.444 UTC 0045 INFO\x1b[0m [kvledger] \x1b[34;1mcommit\x1b[0m -> [ch1] Committed block [3] with 1 transaction(s) in 8ms (state_validation=0ms block_and_pvtdata_commit=2ms state_commit=1ms) commitHash=[dc82ed01f690db15fc7a01ccf8dfd60680065434d94f0f83872fe2152ea62b96]';
    const got = p.parse(real)!;
    expect(got).toMatchObject({ level: 'INFO', module: 'kvledger', func: 'commit', kind: 'kvledger.committed', id: '0045' });
    expect(got.args).toEqual(['ch1', 3, 1, 8, 0, 2, 1, 'dc82ed01f690db15fc7a01ccf8dfd60680065434d94f0f83872fe2152ea62b96']);
    expect(got.timeMs).toBe(Date.UTC(2021, 11, 7, 10, 49, 32, 444));

    const role = p.parse('2025-03-04 09:16:05.131 UTC 0a4c INFO [orderer.consensus.smartbft.consensus] ChangeRole -> Changing to follower role, current view: 1, current leader: 2 channel=mychannel')!;
    expect(role.kind).toBe('smartbft.changeRole');
    expect(role.args).toEqual(['follower', 1, 2]);
    expect(role.fields).toEqual({ channel: 'mychannel' });
    expect(role.message).toBe('Changing to follower role, current view: 1, current leader: 2');
  });

  it('parses the 2.3-and-older line shape too', () => {
    const p = new LogParser(catalog);
    const old = p.parse('2022-06-05 13:25:22.258 UTC [kvledger] commit -> INFO 02f [mychannel] Committed block [5] with 1 transaction(s) in 20ms (state_validation=1ms block_and_pvtdata_commit=8ms state_commit=9ms) commitHash=[ab]')!;
    expect(old).toMatchObject({ module: 'kvledger', level: 'INFO', id: '02f', kind: 'kvledger.committed' });
    expect(old.args?.[1]).toBe(5);
  });

  it('a known line shape with an unknown message keeps the text without a kind; other text is not a log line', () => {
    const p = new LogParser(catalog);
    const u = p.parse('2024-11-09 09:06:46.618 UTC 164fa DEBU [orderer.consensus.smartbft.chain] getBlocksFromSyncBuffer -> Fetched and committed block [223] from cluster channel=channel1')!;
    expect(u.kind).toBeUndefined();
    expect(u.message).toBe('Fetched and committed block [223] from cluster');
    expect(p.parse('Blockchain info: {"height":5}')).toBeUndefined();
  });

  it('render then parse gives back the same kind and arguments', () => {
    const p = new LogParser(catalog);
    const ev = { type: 'log' as const, kind: 'smartbft.changeRole', args: ['leader', 4, 1], fields: { channel: 'certchannel' } };
    const back = p.parse(renderLine(byKind(ev.kind), ev, 123456, 99))!;
    expect(back.kind).toBe(ev.kind);
    expect(back.args).toEqual(ev.args);
    expect(back.fields).toEqual(ev.fields);
  });
});

describe('logs: parsing real lines with the whole catalog', () => {
  const parser = new LogParser(LOG_CATALOG);

  it("one text printed by several functions parses as the line's own function's template", () => {
    const at = (func: string): string | undefined => parser.parse(`2026-12-02 13:40:01.100 UTC 0004 INFO [orderer.consensus.smartbft.consensus] ${func} -> Nothing to restore channel=certchannel`)?.kind;
    expect([at('LoadViewChangeIfApplicable'), at('LoadNewViewIfApplicable'), at('Restore')]).toEqual(['smartbft.nothingToRestoreViewChange', 'smartbft.nothingToRestoreNewView', 'smartbft.nothingToRestore']);
  });

  it('a message ending in key=value text, followed by logger fields (bft_deliverer.go initDeliverBlocks)', () => {
    const p = parser.parse('2026-12-02 13:40:01.100 UTC 0031 INFO [peer.blocksprovider] initDeliverBlocks -> Starting to DeliverBlocks on channel `certchannel`, block height=12 channel=certchannel');
    expect(p?.kind).toBe('blocksprovider.startDeliver');
    expect(p?.args).toEqual(['certchannel', 12]);
    expect(p?.fields).toEqual({ channel: 'certchannel' });
  });
});
