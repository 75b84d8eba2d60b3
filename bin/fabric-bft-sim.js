#!/usr/bin/env node
// The CLI. An installed package runs the built JavaScript (dist/, plain Node). A checkout
// runs the TypeScript source through tsx (a dev dependency), so what runs is always what
// was just edited, never a stale dist/ left by an earlier `npm run build`; a fresh clone
// needs no build step.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
