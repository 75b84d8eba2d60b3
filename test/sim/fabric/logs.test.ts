/** The Fabric log catalog: verbatim strings that parse real 2.5/3.x lines and render back byte for byte. */
import { describe, expect, it } from 'vitest';
import { LogParser, renderLine } from '../../../src/shared/log-format.ts';
import { FABRIC_LOGS } from '../../../src/sim/fabric/logs.ts';

const parser = new LogParser(FABRIC_LOGS);

describe('FABRIC_LOGS', () => {
  it('kinds are unique', () => {
    expect(new Set(FABRIC_LOGS.map((f) => f.kind)).size).toBe(FABRIC_LOGS.length);
  });

  it.each([
    ['2023-12-28 11:39:51.907 UTC 00a2 INFO [gossip.privdata] StoreBlock -> Received block [9] from buffer channel=mychannel', 'privdata.receivedBlock', [9]],
    ['2021-12-07 10:49:32.435 UTC 0044 INFO [committer.txvalidator] Validate -> [ch1] Validated block [3] in 1ms', 'txvalidator.validated', ['ch1', 3, 1]],
    [
      '2021-12-07 10:49:32.444 UTC 0045 INFO [kvledger] commit -> [ch1] Committed block [3] with 1 transaction(s) in 8ms (state_validation=0ms block_and_pvtdata_commit=2ms state_commit=1ms) commitHash=[dc82ed01f690db15fc7a01ccf8dfd60680065434d94f0f83872fe2152ea62b96]',
      'kvledger.committed',
      ['ch1', 3, 1, 8, 0, 2, 1, 'dc82ed01f690db15fc7a01ccf8dfd60680065434d94f0f83872fe2152ea62b96'],
    ],
    ['2024-11-09 03:44:22.139 UTC 002a INFO [gossip.gossip] JoinChan -> Joining gossip network of channel channel with 1 organizations', 'gossip.joinChan', ['channel', 1]],
  ])('parses the real line %#', (line, kind, args) => {
    const p = parser.parse(line);
    expect(p?.kind).toBe(kind);
    expect(p?.args).toEqual(args);
    const fmt = FABRIC_LOGS.find((f) => f.kind === kind);
    if (fmt === undefined || p === undefined) throw new Error('missing');
    const fields = Object.keys(p.fields).length > 0 ? { fields: p.fields } : {};
    const atMs = p.timeMs - Date.UTC(2020, 0, 1);
    expect(renderLine(fmt, { type: 'log', kind, args: p.args ?? [], ...fields }, atMs, parseInt(p.id, 16), Date.UTC(2020, 0, 1))).toBe(line);
  });

  it.each([
    ['kvledger.dropState', 'dropStateLevelDB'],
    ['kvledger.dropConfigHistory', 'dropConfigHistoryDB'],
    ['kvledger.dropBookkeeper', 'dropBookkeeperDB'],
    ['kvledger.dropHistory', 'dropHistoryDB'],
    ['state.straggler', 'addPayload'],
    ['txvalidator.dispatchFailed', 'validateTx'],
  ])('%s prints the Go function that logs it (drop_dbs.go, state.go, v20/validator.go): %s', (kind, func) => {
    expect(FABRIC_LOGS.find((f) => f.kind === kind)?.func).toBe(func);
  });
});
