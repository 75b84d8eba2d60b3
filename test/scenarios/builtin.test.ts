/** defineBuiltin: the built-in's name, orderer check and default count come from one definition. */
import { describe, expect, it } from 'vitest';
import { BuiltinParamError, defineBuiltin } from '../../src/scenarios/builtins/builtin.ts';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';

describe('defineBuiltin', () => {
  const demo = defineBuiltin({
    name: 'demo',
    description: 'a demo',
    lab: false,
    minOrderers: 4,
    minOrderersWhy: 'f >= 1',
    defaultOrderers: 7,
    topology: { peersPerOrg: 2 },
    summary: (s) => `on ${s.n} (quorum ${s.quorum.q})`,
    steps: (s) => [{ stop: s.orderers[1] as string }],
  });

  it('builds a scenario named once, with the default orderer count, the topology and seed 1', () => {
    expect(demo.build({})).toEqual({ name: 'demo', description: 'on 7 (quorum 5)', topology: { preset: 'certchain', peersPerOrg: 2, orderers: 7 }, seed: 1, steps: [{ stop: 'orderer.dataforge' }] });
    expect(demo.build({ orderers: 4 }).description).toBe('on 4 (quorum 3)');
  });

  it('refuses too few orderers with the reason', () => {
    expect(() => demo.build({ orderers: 3 })).toThrow(new BuiltinParamError('demo needs --orderers >= 4 (f >= 1), got 3'));
  });

  it('every built-in builds a scenario carrying its listed name', () => {
    for (const b of BUILTINS) expect(b.build({}).name).toBe(b.name);
  });
});
