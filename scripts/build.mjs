#!/usr/bin/env node
// `npm run build` (and `npm pack` through prepack): the library and the CLI as JavaScript
// and .d.ts in dist/, for plain Node and for a consumer's tsc; tsx stays for development.
//   1. tsc -p tsconfig.build.json: rewriteRelativeImportExtensions turns the sources'
//      `./x.ts` imports into `./x.js` in the JavaScript;
//   2. the same rewrite in the .d.ts files, which tsc leaves as `./x.ts` (TypeScript
//      accepts those, other tools reading declarations do not: microsoft/TypeScript#61037);
//   3. the report's browser script (src/report/client.js, read beside html.ts) copied over;
//   4. the worker threads' script (src/cli/workers/bundle.ts): dist/cli/workers/worker.js
//      and all it imports as one file, worker.bundle.js, so a worker parses one file and
//      an installed package never writes a cache.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build: tsc failed');
  process.exit(1);
}

// `from './x.ts'`, `import('./x.ts')`: relative specifiers only.
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;
let declarations = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(TS_SPECIFIER, '$1$2$3.js$2');
  if (rewritten !== text) writeFileSync(file, rewritten);
  declarations += 1;
}

copyFileSync(join(root, 'src', 'report', 'client.js'), join(dist, 'report', 'client.js'));
const workers = join(dist, 'cli', 'workers');
const { writeWorkerBundle } = await import(pathToFileURL(join(workers, 'bundle.js')).href);
await writeWorkerBundle(join(workers, 'worker.js'), join(workers, 'worker.bundle.js'));
console.log(`build: dist/ written (${declarations} declaration files)`);
