/**
 * The dependency rule (docs/architecture.md), enforced: dependency-cruiser checks src/
 * against .dependency-cruiser.cjs, and a violation that is not in the baseline of known
 * violations (.dependency-cruiser-known-violations.json) fails, named by its rule. The
 * baseline is applied here rather than by depcruise's --known-violations because
 * dependency-cruiser does not soften folder-level violations (the no-folder-cycles rule).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BASELINE = '.dependency-cruiser-known-violations.json';
const REGENERATE = `npx depcruise src --output-type baseline -f ${BASELINE}`;

interface Violation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
  readonly cycle?: readonly { readonly name: string }[];
}

/** Every violation of the rules in src/, as depcruise reports it (its exit code is the count). */
function cruise(): Violation[] {
  const bin = join(ROOT, 'node_modules', '.bin', 'depcruise');
  const r = spawnSync(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw new Error(`cannot run ${bin} (${r.error.message}): is dependency-cruiser installed? (npm install)`);
  let out: { summary?: { violations?: Violation[] } };
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    throw new Error(`depcruise printed no JSON (exit ${String(r.status)}): ${r.stderr.trim()}`);
  }
  const violations = out.summary?.violations;
  if (violations === undefined) throw new Error('depcruise: no summary.violations in its JSON');
  return violations;
}

/**
 * A violation is its rule and its two ends. For a cycle the ends are the dependency that
 * lies on it (two folders for no-folder-cycles): depcruise reports one cycle per such
 * dependency, the shortest, so an unrelated new import can change which path it prints
 * for a known one; every dependency on a new cycle is itself reported, so a new cycle
 * still shows as a new (from, to).
 */
function sameViolation(a: Violation, b: Violation): boolean {
  return a.rule.name === b.rule.name && a.from === b.from && a.to === b.to;
}

function describeViolation(v: Violation): string {
  const path = v.cycle !== undefined ? [v.from, ...v.cycle.map((m) => m.name)].join(' → ') : `${v.from} → ${v.to}`;
  return `${v.rule.name}: ${path}`;
}

const DOC = 'docs/architecture.md';
const known = JSON.parse(readFileSync(join(ROOT, BASELINE), 'utf8')) as Violation[];
const found = cruise();

describe('the dependency rule (.dependency-cruiser.cjs)', () => {
  it('src/ has no violation beyond the known ones', () => {
    const added = found.filter((v) => !known.some((k) => sameViolation(k, v))).map(describeViolation);
    expect(added, `new dependency-rule violations (docs/architecture.md says what each rule means and where a word belongs):\n  ${added.join('\n  ')}\n`).toEqual([]);
  });

  it('every known violation still occurs (a fixed one leaves the baseline)', () => {
    const fixed = known.filter((k) => !found.some((v) => sameViolation(k, v))).map(describeViolation);
    expect(fixed, `fixed violations still in ${BASELINE}; shrink it with \`${REGENERATE}\` and update ${DOC}:\n  ${fixed.join('\n  ')}\n`).toEqual([]);
  });

  it(`${DOC} lists the known violations, all of them and no other`, () => {
    const doc = readFileSync(join(ROOT, DOC), 'utf8');
    const section = doc.slice(doc.indexOf('## Known violations'));
    const listed = new Set([...section.matchAll(/`(src\/[^`\s]+) → (src\/[^`\s]+)`/g)].map((m) => `${m[1]} → ${m[2]}`));
    const baseline = new Set(known.map((k) => `${k.from} → ${k.to}`));
    const unlisted = [...baseline].filter((e) => !listed.has(e));
    const stale = [...listed].filter((e) => !baseline.has(e));
    expect(unlisted, `known violations that ${DOC} does not list (with what removing each would take):\n  ${unlisted.join('\n  ')}\n`).toEqual([]);
    expect(stale, `${DOC} lists as known what is not in the baseline (fixed? strike it):\n  ${stale.join('\n  ')}\n`).toEqual([]);
  });
});
