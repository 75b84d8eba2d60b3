/**
 * The documents' generated sections (`<!-- generated: NAME -->`, scripts/docs-outputs.ts):
 * each is what its generator makes from the code now, e.g. docs/scenarios.md's operation
 * table from the operation table (src/scenarios/operations.ts), so the docs cannot name an
 * operation the validator does not know, or miss one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, findGeneratedSections, GENERATED, rewriteGenerated, ROOT } from '../../scripts/docs-outputs.ts';
import { OPERATIONS } from '../../src/scenarios/operations.ts';

const docs = docFiles().map((doc) => ({ doc, text: readFileSync(join(ROOT, doc), 'utf8') }));
const sections = docs.flatMap(({ doc, text }) => findGeneratedSections(doc, text));

describe('docs: generated sections', () => {
  it('docs/scenarios.md has the operation table, with a row for every operation', () => {
    const ops = sections.filter((s) => s.doc === 'docs/scenarios.md' && s.name === 'operations');
    expect(ops).toHaveLength(1);
    const named = new Set(ops[0]!.body.slice(2).map((row) => /^\| `(\w+):/.exec(row)?.[1]));
    expect([...named]).toEqual([...OPERATIONS]);
  });

  it.each(sections.map((s) => [`${s.doc}:${s.line} ${s.name}`, s] as const))('%s is what the code generates (npm run docs:outputs rewrites it)', (_, s) => {
    expect(s.body).toEqual((GENERATED[s.name] as () => readonly string[])());
  });

  it('rewriting replaces the section and nothing else; an unknown section is an error naming its line', () => {
    const text = ['# t', '<!-- generated: operations -->', '| stale |', '', 'after'].join('\n');
    const out = rewriteGenerated('t.md', text).split('\n');
    expect(out.slice(0, 2)).toEqual(['# t', '<!-- generated: operations -->']);
    expect(out.slice(-2)).toEqual(['', 'after']);
    expect(out.slice(2, -2)).toEqual(GENERATED['operations']!());
    expect(() => findGeneratedSections('t.md', '\n<!-- generated: nope -->\n')).toThrow(/^t\.md:2: unknown generated section "nope"/);
  });
});
