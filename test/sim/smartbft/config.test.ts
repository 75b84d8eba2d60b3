import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/sim/smartbft/config.ts';
import { createConsenter } from '../../../src/sim/smartbft/api.ts';

describe('SmartBftConfig', () => {
  it('has Fabric 3.x defaults for a BFT channel', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      RequestBatchMaxCount: 500,
      RequestBatchMaxBytes: 10 * 1024 * 1024,
      RequestBatchMaxInterval: 50,
      RequestPoolSize: 400,
      RequestForwardTimeout: 2_000,
      RequestComplainTimeout: 20_000,
      RequestAutoRemoveTimeout: 180_000,
      ViewChangeResendInterval: 5_000,
      ViewChangeTimeout: 20_000,
      LeaderHeartbeatTimeout: 60_000,
      LeaderHeartbeatCount: 10,
      NumOfTicksBehindBeforeSyncing: 10,
      CollectTimeout: 1_000,
      SyncOnStart: false,
      SpeedUpViewChange: false,
    });
  });

  it("applies SmartBFT's Validate() rules with one clear error", () => {
    expect(() => resolveConfig({ RequestForwardTimeout: 30_000 })).toThrow(
      'SmartBftConfig: RequestForwardTimeout is bigger than RequestComplainTimeout (30000 > 20000)',
    );
    expect(() => resolveConfig({ RequestComplainTimeout: 200_000 })).toThrow(/RequestComplainTimeout is bigger than RequestAutoRemoveTimeout/);
    expect(() => resolveConfig({ ViewChangeResendInterval: 30_000 })).toThrow(/ViewChangeResendInterval is bigger than ViewChangeTimeout/);
    expect(() => resolveConfig({ RequestBatchMaxCount: 0 })).toThrow('SmartBftConfig: RequestBatchMaxCount should be greater than zero, got 0');
  });

  it('createConsenter names a bad node list', () => {
    expect(() => createConsenter({ id: 5, nodes: [{ id: 1, name: 'a' }] })).toThrow('createConsenter: own id 5 is not in nodes [1]');
    expect(() => createConsenter({ id: 1, nodes: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }] })).toThrow(/duplicate consenter id 1/);
  });
});
