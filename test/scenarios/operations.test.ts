/**
 * The operation table (src/scenarios/operations.ts): every operation declared once, and
 * what the validator, the runner, the describer and the targets read from it.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_TABLE, OPERATIONS, refusal, refusedIn, targetsOf } from '../../src/scenarios/operations.ts';
import { OPERATIONS as SCHEMA_OPERATIONS } from '../../src/scenarios/schema.ts';
import { describeStep } from '../../src/scenarios/describe.ts';
import type { Step } from '../../src/scenarios/schema.ts';

describe('operation table', () => {
  it('every operation has a schema, a summary, a run, a describer and at least one docs row; the schema module lists the same', () => {
    expect(SCHEMA_OPERATIONS).toBe(OPERATIONS);
    for (const op of OPERATIONS) {
      const spec = OPERATION_TABLE[op];
      expect(spec.summary, op).toMatch(/\.$/);
      expect(typeof spec.run, op).toBe('function');
      expect(spec.docs.length, op).toBeGreaterThan(0);
      for (const row of spec.docs) expect(row.syntax, op).toMatch(new RegExp(`^\`${op}: `));
    }
  });

  it('the targets: live refuses reset and rollback before a run, local the network and Byzantine faults; the simulator runs all', () => {
    expect(OPERATIONS.filter((op) => refusal(op, 'live')?.when === 'before')).toEqual(['reset', 'rollback']);
    expect(OPERATIONS.filter((op) => refusal(op, 'live')?.when === 'step')).toEqual(['partition', 'heal', 'cut', 'dropMessages', 'byzantine', 'honest']);
    expect(OPERATIONS.filter((op) => refusal(op, 'local')?.when === 'before')).toEqual(['partition', 'heal', 'cut', 'dropMessages', 'byzantine', 'honest']);
    expect(OPERATIONS.filter((op) => refusal(op, 'local')?.when === 'step')).toEqual(['docCount']);
    expect(targetsOf('stop')).toBe('sim, local, live');
    expect(targetsOf('reset')).toBe('sim, local');
    expect(refusedIn({ name: 'x', constructor: 1, cut: { from: 'a', to: 'b' } }, 'local')?.op).toBe('cut');
    expect(refusedIn({ stop: 'leader' }, 'live')).toBeUndefined();
  });

  it('a step without a name is described by its operation', () => {
    const steps: [Step, string][] = [
      [{ issue: { via: 'techpulse', certID: 'A-1' } }, 'issue A-1 via techpulse'],
      [{ stop: 'leader' }, 'stop leader'],
      [{ rollback: { peer: 'peer0.org3', block: 2 } }, 'rollback peer0.org3 to block 2'],
      [{ waitFor: { caughtUp: 'peer0.org3', within: '1m' } }, 'waitFor peer0.org3 caught up within 1m'],
      [{ dropMessages: { from: 'orderer.org3', types: ['Commit', 'Prepare'] } }, 'drop Commit, Prepare orderer.org3 -> orderers'],
      [{ partition: [['orderer.techpulse'], ['orderer.org3', 'peer0.org3']] }, 'partition [orderer.techpulse] | [orderer.org3 peer0.org3]'],
      [{ heal: true }, 'heal'],
      [{ name: 'mine', heal: true }, 'mine'],
    ];
    for (const [step, label] of steps) expect(describeStep(step)).toBe(label);
  });
});
