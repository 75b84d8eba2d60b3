/**
 * `fabric-bft-sim schema`: the JSON Schema of scenario files, generated from the zod
 * schema. The committed scenario.schema.json must be exactly what the command prints, and
 * the schema must accept every scenario the validator accepts (the built-ins, the
 * example) and reject what it structurally rejects.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { OPERATIONS, scenarioIssues } from '../../src/scenarios/schema.ts';
import { testEnv } from './env.ts';

const ROOT = resolve(import.meta.dirname, '../..');

async function printed(): Promise<string> {
  const env = testEnv();
  expect(await main(['schema'], env)).toBe(0);
  return env.out();
}

describe('fabric-bft-sim schema', () => {
  it('prints what scenario.schema.json holds (regenerate: fabric-bft-sim schema > scenario.schema.json)', async () => {
    expect(readFileSync(resolve(ROOT, 'scenario.schema.json'), 'utf8')).toBe(await printed());
  });

  it('names every operation, with whole-number bounds the refinements alone would hide', async () => {
    const schema = JSON.parse(await printed());
    const steps = schema.properties.steps.items.anyOf as { title: string; required: string[] }[];
    expect(steps.map((s) => s.title)).toEqual([...OPERATIONS]);
    for (const s of steps) expect(s.required).toEqual([s.title]);
    expect(schema.properties.topology.properties.orderers).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
  });

  it('accepts every built-in and example scenario, and rejects what the validator rejects for structure', async () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(await printed()));
    for (const b of BUILTINS) {
      const doc = b.build({});
      expect(validate(JSON.parse(JSON.stringify(doc))), `${b.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const example = parseScenario(readFileSync(resolve(ROOT, 'examples/orderer-and-peer-outage.yaml'), 'utf8'));
    expect(validate(JSON.parse(JSON.stringify(example)))).toBe(true);
    const bad: unknown[] = [
      { name: 'x', steps: [] },
      { name: 'x', steps: [{ stop: 'orderer0.org1', start: 'orderer0.org1' }] },
      { name: 'x', steps: [{ sleep: '1s', colour: 'red' }] },
      { name: 'x', topology: { orderers: 2.5 }, steps: [{ heal: true }] },
      { name: 'x', seed: -1, steps: [{ heal: true }] },
    ];
    for (const doc of bad) {
      expect(scenarioIssues(doc).length, JSON.stringify(doc)).toBeGreaterThan(0);
      expect(validate(doc), JSON.stringify(doc)).toBe(false);
    }
  });

  it('takes no arguments', async () => {
    const env = testEnv();
    expect(await main(['schema', 'extra'], env)).toBe(2);
    expect(env.err()).toBe('fabric-bft-sim schema: takes no arguments, got "extra" (see "fabric-bft-sim schema --help")\n');
  });

  it('every example scenario file points its editor at the schema', () => {
    const dir = resolve(ROOT, 'examples');
    // certchain.live.yaml is a live config, not a scenario.
    const scenarios = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.live.yaml'));
    expect(scenarios.length).toBeGreaterThan(0);
    for (const f of scenarios) expect(readFileSync(resolve(dir, f), 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../scenario.schema.json');
  });
});
