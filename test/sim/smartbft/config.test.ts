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

  it('Configuration.Validate (pkg/types/config.go): each "is bigger than" rule allows equality and rejects one more', () => {
    const pairs = [
      ['RequestBatchMaxCount', 'RequestBatchMaxBytes', 100],
      ['RequestMaxBytes', 'RequestBatchMaxBytes', 100],
      ['RequestForwardTimeout', 'RequestComplainTimeout', 20_000],
      ['RequestComplainTimeout', 'RequestAutoRemoveTimeout', 180_000],
      ['ViewChangeResendInterval', 'ViewChangeTimeout', 20_000],
    ] as const;
    for (const [small, big, at] of pairs) {
      const base = { RequestBatchMaxCount: 10, RequestBatchMaxBytes: 1_000, RequestMaxBytes: 100, [big]: at };
      expect(resolveConfig({ ...base, [small]: at })[small]).toBe(at);
      expect(() => resolveConfig({ ...base, [small]: at + 1 })).toThrow(`SmartBftConfig: ${small} is bigger than ${big} (${at + 1} > ${at})`);
    }
  });

  it('Configuration.Validate reports the first rule broken in its own order: RequestMaxBytes before RequestForwardTimeout', () => {
    expect(() => resolveConfig({ RequestBatchMaxCount: 10, RequestBatchMaxBytes: 100, RequestMaxBytes: 200, RequestForwardTimeout: 30_000 })).toThrow('RequestMaxBytes is bigger than RequestBatchMaxBytes');
  });

  it('numbers must be finite numbers above zero, counts integers, SyncOnStart and SpeedUpViewChange booleans', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1, '5' as unknown as number]) {
      expect(() => resolveConfig({ CollectTimeout: bad })).toThrow(`SmartBftConfig: CollectTimeout should be greater than zero, got ${String(bad)}`);
    }
    expect(resolveConfig({ CollectTimeout: 0.5 }).CollectTimeout).toBe(0.5);
    for (const k of ['RequestBatchMaxCount', 'RequestPoolSize', 'LeaderHeartbeatCount', 'NumOfTicksBehindBeforeSyncing'] as const) {
      expect(() => resolveConfig({ [k]: 1.5 })).toThrow(`SmartBftConfig: ${k} should be an integer, got 1.5`);
    }
    expect(() => resolveConfig({ SyncOnStart: 'yes' as unknown as boolean })).toThrow('SmartBftConfig: SyncOnStart should be a boolean, got yes');
    expect(() => resolveConfig({ SpeedUpViewChange: 1 as unknown as boolean })).toThrow('SmartBftConfig: SpeedUpViewChange should be a boolean, got 1');
    expect(resolveConfig({ SyncOnStart: true, SpeedUpViewChange: true })).toMatchObject({ SyncOnStart: true, SpeedUpViewChange: true });
  });

  it('createConsenter names a bad node list', () => {
    expect(() => createConsenter({ id: 5, nodes: [{ id: 1, name: 'a' }] })).toThrow('createConsenter: own id 5 is not in nodes [1]');
    expect(() => createConsenter({ id: 1, nodes: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }] })).toThrow(/duplicate consenter id 1/);
  });
});
