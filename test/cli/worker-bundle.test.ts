/**
 * The worker threads' script in a checkout (src/cli/workers/bundle.ts): one ES module
 * built by esbuild at first use into the checkout's node_modules/.cache, reused while its
 * inputs are unchanged, built again when one of them changes. Run here on a small tree
 * of its own in a temporary directory (root/src/cli/workers/worker.ts and what it imports).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedBundle } from '../../src/cli/workers/bundle.ts';

const root = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the worker bundle cache', () => {
  it('builds one module with its imports, reuses it while no input changed, and builds again when one did', async () => {
    const workers = join(root, 'src', 'cli', 'workers');
    mkdirSync(workers, { recursive: true });
    const entry = join(workers, 'worker.ts');
    const dep = join(root, 'src', 'answer.ts');
    writeFileSync(entry, "import { answer } from '../../answer.ts';\nexport const value: number = answer;\n");
    writeFileSync(dep, 'export const answer = 41;\n');

    const first = await cachedBundle(entry);
    expect(first.startsWith(join(root, 'node_modules', '.cache', 'fabric-bft-sim'))).toBe(true);
    expect(((await import(pathToFileURL(first).href)) as { value: number }).value).toBe(41);
    expect(readFileSync(first, 'utf8')).not.toMatch(/from ['"]\.\.?\//);
    expect(await cachedBundle(entry)).toBe(first);

    writeFileSync(dep, 'export const answer = 42;\n');
    // A later mtime than the build's, whatever the file system's time granularity.
    const later = new Date(Date.now() + 5_000);
    utimesSync(dep, later, later);
    const second = await cachedBundle(entry);
    expect(second).not.toBe(first);
    expect(((await import(pathToFileURL(second).href)) as { value: number }).value).toBe(42);
    // The manifest names the second; no temporary file is left behind.
    expect(readdirSync(join(root, 'node_modules', '.cache', 'fabric-bft-sim')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
