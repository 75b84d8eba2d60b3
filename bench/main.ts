/**
 * `npm run bench`: every performance figure of the project, measured in one run.
 * `npm run bench -- --json` prints them as one JSON object keyed by figure name.
 * Figures are rates on this machine; compare them as ratios within one run.
 * `memory.peakRssMB` is the whole process's peak, over the suites run.
 */
import { benchKernel } from './kernel.ts';
import { benchSmartbft } from './smartbft.ts';
import { benchFabric } from './fabric.ts';
import { benchCheck } from './check.ts';
import { benchMemory } from './memory.ts';

type Suite = () => Promise<Record<string, number>>;

const suites: [string, Suite][] = [
  ['kernel', benchKernel],
  ['smartbft', benchSmartbft],
  ['fabric', benchFabric],
  ['check', benchCheck],
  ['memory', benchMemory],
];

const json = process.argv.includes('--json');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const figures: Record<string, number> = {};
for (const [name, suite] of suites) {
  if (only !== undefined && !only.split(',').includes(name)) continue;
  if (!json) process.stderr.write(`running ${name} ...\n`);
  Object.assign(figures, await suite());
}
// The process's peak resident set over every suite run (kilobytes from the kernel).
figures['memory.peakRssMB'] = process.resourceUsage().maxRSS / 1024;
if (json) {
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
} else {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) {
    // Rates as whole numbers; ratios (below 100) with two decimals.
    const shown = Math.abs(v) < 100 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US');
    process.stdout.write(`${k.padEnd(width)}  ${shown}\n`);
  }
}
