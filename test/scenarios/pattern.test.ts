/** User patterns (waitFor.log.match, expect.matches) are RE2: linear-time, so none can freeze a run. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';
import { mismatch } from '../../src/scenarios/expect.ts';
import { compilePattern, MAX_PATTERN_LENGTH, parsePattern, PATTERN_SYNTAX } from '../../src/scenarios/pattern.ts';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';
import { simClusterFor } from '../../src/scenarios/simulator.ts';

/** Exponential for a backtracking engine on any line with commas that does not end in X. */
const CATASTROPHIC = '^(.*?,?)*X$';

/**
 * Runs a scenario on the real simulator (the library's simClusterFor and runScenario) in a
 * child process: a pattern that hangs blocks the event loop, which vitest's own timeout
 * cannot interrupt, so the hang is caught by killing the child.
 */
async function runInChild(scenario: Scenario, timeoutMs: number): Promise<ScenarioResult> {
  const code = [
    "import { runScenario, simClusterFor } from './src/index.ts';",
    'const scenario = JSON.parse(process.argv[1]);',
    'const result = await runScenario(scenario, await simClusterFor(scenario, { seed: 7 }), { seed: 7 });',
    'process.stdout.write(JSON.stringify(result));',
  ].join('\n');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, JSON.stringify(scenario)], {
      cwd: root,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 << 20,
    });
    return JSON.parse(stdout) as ScenarioResult;
  } catch (e) {
    if ((e as { killed?: boolean }).killed === true) throw new Error(`the run did not finish within ${timeoutMs} ms: a pattern is backtracking`);
    throw e;
  }
}

describe('a backtracking pattern does not freeze the run', () => {
  it('waitFor.log.match and expect.matches on the simulator fail their steps and the run ends', { timeout: 30_000 }, async () => {
    const r = await runInChild(
      {
        name: 'catastrophic-pattern',
        steps: [
          { waitFor: { log: { node: 'orderer.dataforge', match: CATASTROPHIC }, within: '5s' } },
          { waitFor: { log: { node: 'orderer.dataforge', match: 'Starting view with number \\d+, sequence \\d+' }, within: '30s' }, expect: { matches: CATASTROPHIC } },
        ],
      },
      20_000,
    );
    expect(r.verdict).toBe('failed');
    expect(r.steps.map((s) => s.ok)).toEqual([false, false]);
    expect(r.steps[0]?.error).toBe(`no line of orderer.dataforge matched /${CATASTROPHIC}/ within 5s`);
    const line = String(r.steps[1]?.value);
    expect(line).toMatch(/Starting view with number \d+, sequence \d+, and decisions \d+/);
    expect(line.length).toBeGreaterThan(80);
    expect(r.steps[1]?.error).toContain(`expected to match /${CATASTROPHIC}/, got "${line.slice(0, 40)}`);
  });
});

const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

/** Every `log: { match }` and `matches` string in a parsed document. */
function patternsIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => patternsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'match' || k === 'matches') && typeof v === 'string' && !v.startsWith('$')) out.add(v);
      else patternsIn(v, out);
    }
  }
  return out;
}

describe('patterns: RE2 syntax', () => {
  it('the built-ins, examples/*.yaml and the yaml in README and docs: every pattern compiles and matches as before on the simulator\'s lines', async () => {
    const patterns = new Set<string>();
    const texts = new Set<string>();
    for (const b of BUILTINS) {
      const scenario = b.build({});
      patternsIn(scenario, patterns);
      const cluster = await simClusterFor(scenario, { seed: scenario.seed ?? 1, keep: { logs: true } });
      const r = await runScenario(scenario, cluster, { seed: scenario.seed ?? 1 });
      expect([b.name, r.steps.filter((s) => !s.ok).map((s) => s.error)]).toEqual([b.name, []]);
      for (const s of r.steps) texts.add(typeof s.value === 'string' ? s.value : JSON.stringify(s.value));
      for (const node of [...cluster.topology.orderers, ...cluster.topology.peers, ...cluster.topology.couchdbs]) {
        for (const l of await cluster.logs(node)) texts.add(l.text);
      }
    }
    const examples = readdirSync(new URL('../../examples', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    expect(examples).toContain('orderer-and-peer-outage.yaml');
    for (const f of examples) patternsIn(parseYaml(read(`examples/${f}`)), patterns);
    for (const doc of ['README.md', 'docs/scenarios.md']) {
      for (const m of read(doc).matchAll(/```yaml\n([\s\S]*?)```/g)) patternsIn(parseYaml(m[1] as string, { uniqueKeys: false }), patterns);
    }
    for (const p of ['Last proposal with sequence \\d+ has been safely committed', 'Committed block \\[\\d+\\]', '[Ee]ndorse']) expect(patterns).toContain(p);
    expect(texts.size).toBeGreaterThan(1000);

    const differs: string[] = [];
    for (const p of patterns) {
      const re2 = compilePattern(p);
      const js = new RegExp(p);
      let matched = 0;
      for (const t of texts) {
        const m = re2.test(t);
        if (m !== js.test(t)) differs.push(`/${p}/ on ${JSON.stringify(t)}`);
        if (m) matched++;
      }
      if (matched === 0) differs.push(`/${p}/ matches no line or value`);
    }
    expect(differs).toEqual([]);
  });

  it('what RE2 leaves out is named, with the syntax that is accepted', () => {
    const error = (p: string): string => {
      const r = parsePattern(p);
      return 'error' in r ? r.error : 'compiled';
    };
    expect(error('(?=x)')).toBe(`not a valid pattern: lookahead (?= is not supported (${PATTERN_SYNTAX})`);
    expect(error('a(?!x)')).toBe(`not a valid pattern: negative lookahead (?! is not supported (${PATTERN_SYNTAX})`);
    expect(error('(?<=x)a')).toBe(`not a valid pattern: lookbehind (?<= is not supported (${PATTERN_SYNTAX})`);
    expect(error('(?<!x)a')).toBe(`not a valid pattern: negative lookbehind (?<! is not supported (${PATTERN_SYNTAX})`);
    expect(error('(a)\\1')).toBe(`not a valid pattern: backreference \\1 is not supported (${PATTERN_SYNTAX})`);
    expect(error('(?<n>a)\\k<n>')).toBe(`not a valid pattern: named backreference \\k is not supported (${PATTERN_SYNTAX})`);
    expect(error('([')).toBe(`not a valid pattern: missing closing ]: [ (${PATTERN_SYNTAX})`);
    expect(error('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(`not a valid pattern: it is ${MAX_PATTERN_LENGTH + 1} characters long, the limit is ${MAX_PATTERN_LENGTH}`);
    expect(error('(.{1000}){1000}')).toContain('not a valid pattern: invalid repeat count');
    expect(error('.{1000}'.repeat(20))).toMatch(/^not a valid pattern: it compiles to \d+ RE2 instructions, the limit is 10000/);
    expect(PATTERN_SYNTAX).toContain('https://github.com/google/re2/wiki/Syntax');
    expect(() => compilePattern('(?=x)')).toThrow(new Error(`not a valid pattern: lookahead (?= is not supported (${PATTERN_SYNTAX})`));
    // A pattern from a $reference is compiled when its step runs: the step fails with the same line.
    expect(() => mismatch({ error: 'endorsement' }, { error: { matches: '(?=e)' } })).toThrow(new Error(`not a valid pattern: lookahead (?= is not supported (${PATTERN_SYNTAX})`));
  });

  it('matches anywhere in the text; (?i), named groups and \\x{..} are RE2 syntax that works', () => {
    expect(compilePattern('sequence \\d+').test('Last proposal with sequence 12 has been safely committed')).toBe(true);
    expect(compilePattern('^sequence').test('Last proposal with sequence 12')).toBe(false);
    expect(compilePattern('(?i)endorse').test('ENDORSEMENT failed')).toBe(true);
    expect(compilePattern('(?P<seq>\\d+) has').test('sequence 12 has')).toBe(true);
    expect(compilePattern('\\x{41}').test('A')).toBe(true);
    expect(compilePattern(CATASTROPHIC).test(`${'a,'.repeat(100_000)}Y`)).toBe(false);
    expect(compilePattern(CATASTROPHIC).test(`${'a,'.repeat(100_000)}X`)).toBe(true);
  });
});
