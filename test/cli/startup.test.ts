/**
 * `fabric-bft-sim --help` loads only what it prints: the modules src/cli/main.ts imports
 * statically (commands load on use, through `import()`) must not reach the scenario schema's
 * zod or the pattern matcher's re2js, which were most of its start-up time (a --cpu-prof of
 * the built CLI). A structural check, no timing: follows static `import`/`export ... from`
 * of the sources, leaving out `import type` and dynamic `import()`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `import x from '...'`, `import { a } from '...'`, `import '...'`, `export { a } from '...'`; not `import type`/`export type`. */
const STATIC = /^(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(ROOT, entry)];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}

describe('cli start-up', () => {
  it('main.ts statically loads no package and no scenario schema (--help stays fast)', () => {
    const { files, packages } = staticClosure('src/cli/main.ts');
    expect([...packages]).toEqual([]);
    const rel = [...files].map((f) => f.slice(ROOT.length + 1));
    expect(rel).toContain('src/args/help.ts');
    expect(rel.filter((f) => f.startsWith('src/scenarios/schema') || f === 'src/cli/io.ts' || f.startsWith('src/sim/'))).toEqual([]);
  });
});
