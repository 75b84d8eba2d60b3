/** consenterStatus (status.ts): what the Cluster port reports for one consenter. */
import { describe, expect, it } from 'vitest';
import { consenterStatus } from '../../../src/sim/smartbft/api.ts';
import { OneConsenter } from './one.ts';

describe('consenterStatus', () => {
  it('the leader of view 0 and a follower, before any block', () => {
    expect(consenterStatus(new OneConsenter(1, 4).state)).toEqual({ committedBlock: 0, lastBlock: 0, view: 0, leaderId: 1, role: 'leader' });
    expect(consenterStatus(new OneConsenter(3, 4).state)).toEqual({ committedBlock: 0, lastBlock: 0, view: 0, leaderId: 1, role: 'follower' });
  });
});
