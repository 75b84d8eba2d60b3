/**
 * options.ts: a scenario's SmartBFT options (the channel config's names, Go durations) as
 * the model's configuration, and the message types a `dropMessages` step may name.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/sim/smartbft/config.ts';
import { modelConfigOf, SCENARIO_SMARTBFT_DEFAULTS, SMARTBFT_MESSAGE_TYPES, type ScenarioSmartBft } from '../../../src/sim/smartbft/options.ts';

describe('modelConfigOf', () => {
  it("Fabric's defaults of every channel-config option are the model's defaults, durations in milliseconds", () => {
    const names = Object.keys(SCENARIO_SMARTBFT_DEFAULTS).filter((name) => name !== 'IncomingMessageBufferSize');
    const expected = Object.fromEntries(names.map((name) => [name, DEFAULT_CONFIG[name as keyof typeof DEFAULT_CONFIG]]));
    expect(modelConfigOf(SCENARIO_SMARTBFT_DEFAULTS)).toStrictEqual(expected);
    expect(expected).toMatchObject({ RequestBatchMaxInterval: 50, RequestAutoRemoveTimeout: 180_000, LeaderHeartbeatTimeout: 60_000, LeaderHeartbeatCount: 10, SyncOnStart: false });
  });

  it('takes Go durations (time.ParseDuration: terms one after another), counts and booleans as given', () => {
    expect(modelConfigOf({ RequestBatchMaxInterval: '1.5ms', ViewChangeTimeout: '1h1m1s', LeaderHeartbeatCount: 3, RequestPoolSize: 7, SpeedUpViewChange: true })).toStrictEqual({
      RequestBatchMaxInterval: 1.5,
      ViewChangeTimeout: 3_661_000,
      LeaderHeartbeatCount: 3,
      RequestPoolSize: 7,
      SpeedUpViewChange: true,
    });
  });

  it('leaves out IncomingMessageBufferSize (the model queues do not overflow) and options given as undefined: they stay the defaults', () => {
    const given = { IncomingMessageBufferSize: 9, LeaderHeartbeatTimeout: undefined, CollectTimeout: '2s' } as unknown as ScenarioSmartBft;
    expect(modelConfigOf(given)).toStrictEqual({ CollectTimeout: 2_000 });
    expect(resolveConfig(modelConfigOf(given)).LeaderHeartbeatTimeout).toBe(60_000);
    expect(modelConfigOf({})).toStrictEqual({});
  });

  it('a duration that does not parse becomes 0, which the consenter refuses (SmartBFT Validate: should be greater than zero)', () => {
    expect(() => resolveConfig(modelConfigOf({ ViewChangeTimeout: 'soon' }))).toThrow('SmartBftConfig: ViewChangeTimeout should be greater than zero, got 0');
  });
});

describe('SMARTBFT_MESSAGE_TYPES', () => {
  it("SmartBFT's protocol messages (smartbftprotos/messages.proto Message, in its order), a client's Submit, the forwarded request and the synchronizer's height and block messages", () => {
    expect(SMARTBFT_MESSAGE_TYPES).toStrictEqual([
      'PrePrepare',
      'Prepare',
      'Commit',
      'ViewChange',
      'ViewData',
      'NewView',
      'HeartBeat',
      'HeartBeatResponse',
      'StateTransferRequest',
      'StateTransferResponse',
      'Submit',
      'FwdRequest',
      'HeightRequest',
      'HeightResponse',
      'BlockRequest',
      'BlockResponse',
    ]);
  });
});
