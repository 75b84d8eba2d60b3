/**
 * The model's log vocabulary beside Fabric's (issue #15, item 3): every line the model
 * prints at INFO must be a line Fabric prints at INFO, in the same template (module,
 * function, level, format string with the values as parameters).
 *
 * Two sources of truth: the catalog's `source` citations (the Go log call each template
 * comes from: its method says the level, so a template cited from a `Debugf` can never be
 * printed at INFO), checked by test/sim/logs/vocabulary.test.ts; and the lines a real
 * network printed, which `npm run fidelity` parses with the catalog and compares here.
 * Pure: the caller reads the files.
 */
import type { Level, LogFormat } from '../../shared/log-format.ts';

/** `<file>:<line> <call>`, the file in Fabric v3.1.5 or, prefixed `SmartBFT `, in SmartBFT v1.0.1. */
const SOURCE = /^(SmartBFT )?([\w./-]+\.go):(\d+) ([\w.]+)$/;

export interface SourceCitation {
  /** `fabric` (hyperledger/fabric v3.1.5) or `smartbft` (hyperledger-labs/SmartBFT v1.0.1). */
  readonly repo: 'fabric' | 'smartbft';
  readonly file: string;
  readonly line: number;
  /** The log call, e.g. `c.Logger.Infof`. */
  readonly call: string;
}

export function parseSource(source: string | undefined): SourceCitation | undefined {
  const m = source === undefined ? null : SOURCE.exec(source);
  if (m === null) return undefined;
  return { repo: m[1] === undefined ? 'fabric' : 'smartbft', file: m[2] ?? '', line: Number(m[3]), call: m[4] ?? '' };
}

/** The level a flogging / SmartBFT logger call prints at, from its method name. */
export function levelOfCall(call: string): Level | undefined {
  const method = call.slice(call.lastIndexOf('.') + 1);
  if (/^Debug[fw]?$/.test(method)) return 'DEBU';
  if (/^Info[fw]?$/.test(method)) return 'INFO';
  if (/^Warn(ing)?[fw]?$/.test(method)) return 'WARN';
  if (/^Error[fw]?$/.test(method)) return 'ERRO';
  if (/^Panic[fw]?$/.test(method)) return 'PANI';
  if (/^Fatal[fw]?$/.test(method)) return 'FATA';
  return undefined;
}

/** One line as either side printed it (parsed: `kind` is set when it matched a catalog template). */
export interface VocabularyLine {
  readonly kind?: string;
  readonly level: string;
  readonly module: string;
  readonly func: string;
}

export type VocabularyVerdict = 'same' | 'not printed by the real network' | 'differs' | 'not compared';

export interface VocabularyRow {
  readonly kind: string;
  /** `[module] func -> format` as the model prints it. */
  readonly template: string;
  readonly source: string;
  /** Lines of this template the model printed at INFO. */
  readonly model: number;
  /** Lines of this template (same module and format) the real network printed. */
  readonly real: number;
  readonly verdict: VocabularyVerdict;
  /** Why, when the verdict is not `same`. */
  readonly why?: string;
}

/**
 * One row per template the model printed at INFO. `same` when the real network printed the
 * same template at the same level from the same function; `differs` when it printed it with
 * another level or function; `notCompared` names templates the real network cannot print
 * here (a kind or a `prefix.`), with the reason.
 */
export function compareVocabulary(
  catalog: ReadonlyMap<string, LogFormat>,
  model: readonly VocabularyLine[],
  real: readonly VocabularyLine[],
  notCompared: Readonly<Record<string, string>> = {},
): VocabularyRow[] {
  const modelCount = new Map<string, number>();
  for (const l of model) if (l.level === 'INFO' && l.kind !== undefined) modelCount.set(l.kind, (modelCount.get(l.kind) ?? 0) + 1);
  const realByKind = new Map<string, VocabularyLine[]>();
  for (const l of real) {
    if (l.kind === undefined) continue;
    let list = realByKind.get(l.kind);
    if (list === undefined) realByKind.set(l.kind, (list = []));
    list.push(l);
  }
  const rows: VocabularyRow[] = [];
  for (const kind of [...modelCount.keys()].sort()) {
    const fmt = catalog.get(kind);
    const base = {
      kind,
      template: fmt === undefined ? '(not in the catalog)' : `[${fmt.module}] ${fmt.func} -> ${fmt.format}`,
      source: fmt?.source ?? '',
      model: modelCount.get(kind) ?? 0,
    };
    const seen = realByKind.get(kind) ?? [];
    if (fmt === undefined) {
      rows.push({ ...base, real: seen.length, verdict: 'differs', why: 'the model printed a line the catalog does not know' });
      continue;
    }
    const cited = parseSource(fmt.source);
    const citedLevel = cited === undefined ? undefined : levelOfCall(cited.call);
    if (citedLevel !== 'INFO') {
      rows.push({ ...base, real: seen.length, verdict: 'differs', why: cited === undefined ? 'the catalog cites no Fabric or SmartBFT log call for it' : `Fabric prints it at ${citedLevel ?? '?'} (${fmt.source ?? ''})` });
      continue;
    }
    const skip = notCompared[kind] ?? Object.entries(notCompared).find(([k]) => k.endsWith('.') && kind.startsWith(k))?.[1];
    if (seen.length === 0) {
      rows.push({ ...base, real: 0, ...(skip !== undefined ? { verdict: 'not compared', why: skip } : { verdict: 'not printed by the real network' }) });
      continue;
    }
    const other = seen.find((l) => l.level !== fmt.level || l.func !== fmt.func);
    if (other === undefined) {
      rows.push({ ...base, real: seen.length, verdict: 'same' });
    } else {
      rows.push({ ...base, real: seen.length, verdict: 'differs', why: `the real network printed it as ${other.level} [${other.module}] ${other.func}` });
    }
  }
  return rows;
}
