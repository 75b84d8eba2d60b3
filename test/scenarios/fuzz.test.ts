/**
 * Fuzzing the parser and the runner with random and malformed scenario documents: the
 * outcome is always a clean `ScenarioError` (one line per problem) or a finished result, never an
 * uncaught exception of another kind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { scheduleArbitrary } from '../../src/scenarios/schedule.ts';
import { MAX_PROBLEMS_SHOWN, ScenarioError, validateScenario } from '../../src/scenarios/schema.ts';
import { FakeCluster } from './fake-cluster.ts';

function cleanOutcome(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    // One line per problem (the first, then up to 9 more, then "... and N more").
    const lines = e.message.split('\n');
    expect(lines.every((l) => l.length > 0)).toBe(true);
    expect(lines.length).toBe(Math.min(e.more + 1, MAX_PROBLEMS_SHOWN + 1));
  }
}

const base = BUILTINS[0]!.build({});
const keys = ['name', 'steps', 'seed', 'topology', 'expect', 'save', 'stop', 'issue', 'waitFor', 'within', 'log', 'match', 'via', 'certID', 'peer', 'orderers', 'gt', 'matches', 'partition', 'sleep'];

/** Odd values: wrong types, huge and non-finite numbers, references, selectors, durations. */
const oddValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1, 2 ** 53, 0.5, Number.NaN, '', '$', '$x.y', '$$', 'leader', 'all', '30s', '99999h', '([', 'orderer.dataforg', [], {}, null, true),
  fc.string(),
);

/** A valid scenario with one value replaced, one key added, or one level nested deeper. */
const mutated = fc
  .tuple(fc.nat(), fc.nat(), fc.constantFrom('replace', 'addKey', 'nest', 'dropKey'), fc.constantFrom(...keys), oddValue)
  .map(([a, b, how, key, value]) => {
    const doc = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    const steps = doc['steps'] as Record<string, unknown>[];
    const step = steps[a % steps.length] as Record<string, unknown>;
    const stepKeys = Object.keys(step);
    const k = stepKeys[b % stepKeys.length] as string;
    if (how === 'replace') step[k] = value;
    else if (how === 'addKey') step[key] = value;
    else if (how === 'dropKey') delete step[k];
    else step[k] = { [key]: step[k] };
    return doc;
  });

const deep = fc.integer({ min: 1, max: 3000 }).map((depth) => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return { name: 'deep', steps: [{ channelInfo: { peer: 'peer0.techpulse' }, expect: v }] };
});

describe('fuzz: the parser and the runner never crash', () => {
  it('random values as documents: a clean validation error or a scenario', () => {
    fc.assert(fc.property(fc.oneof(fc.anything({ maxDepth: 4 }), mutated, deep), (doc) => cleanOutcome(() => validateScenario(doc))), { numRuns: 400 });
  });

  it('random and mutated YAML text: a clean error with a position, or a scenario', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      mutated.map((d) => stringify(d)),
      fc.tuple(mutated.map((d) => stringify(d)), fc.nat(), fc.string({ maxLength: 3 })).map(([t, i, ins]) => t.slice(0, i % (t.length + 1)) + ins + t.slice(i % (t.length + 1))),
    );
    fc.assert(fc.property(texts, (text) => cleanOutcome(() => parseScenario(text, { file: 'f.yaml' }))), { numRuns: 300 });
  });

  it('very deep nesting is refused cleanly, not with a stack overflow', () => {
    const text = `name: x\nsteps:\n  - heal: true\n    expect: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    cleanOutcome(() => parseScenario(text));
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(() => validateScenario({ name: 'x', steps: [{ heal: true, expect: v }] })).toThrow(ScenarioError);
  });

  it('mutated documents that do validate run to a finished result', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (doc) => {
        try {
          validateScenario(doc);
        } catch (e) {
          if (e instanceof ScenarioError) return;
          throw e;
        }
        const r = await runScenario(doc, new FakeCluster(), { maxTimeMs: 3_600_000 });
        expect(['passed', 'failed', 'budget exceeded']).toContain(r.verdict);
      }),
      { numRuns: 150 },
    );
  });

  it('random fault schedules run to a finished result', async () => {
    const arb = scheduleArbitrary({ topology: { orderers: 4 }, faults: ['crash', 'byzantine', 'partition', 'peer'], behaviours: ['silent', 'equivocate'] });
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        const r = await runScenario(s, new FakeCluster());
        expect(r.steps.length + r.pending.length).toBeGreaterThanOrEqual(s.steps.length);
      }),
      { numRuns: 60 },
    );
  });
});
