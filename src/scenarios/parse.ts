/**
 * Reading scenario files: YAML or JSON text to a validated `Scenario`, with every
 * problem reported at its line and column (`kill.yaml:14:11: steps[3].stop: ...`).
 * A `.json` file is read with JSON.parse (YAML would accept a trailing comma); the YAML
 * parser still maps its problems to lines and columns (JSON is YAML).
 * And back: a scenario written out as YAML (what `check` saves for `run` to replay).
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from 'yaml';
import { ScenarioError, problemLine, scenarioIssues, type Issue, type PathSegment, type Scenario, type ValidateOptions } from './schema.ts';
import type { TopologySpec } from './topology.ts';
import { jsonSyntaxError } from './json-syntax.ts';

export interface ParseOptions extends ValidateOptions {
  /** The file name to print in errors; a `.json` name means the text is JSON. */
  readonly file?: string;
  /** The text's format (default: json for a `.json` file, else yaml). */
  readonly format?: 'yaml' | 'json';
  /** Topology fields that replace the file's (e.g. `--orderers`), applied before validation. */
  readonly topologyOverride?: TopologySpec;
}

/** Largest scenario text we read (a scenario is a page, not a data set). */
export const MAX_SCENARIO_BYTES = 1_000_000;

function position(lc: LineCounter, offset: number): { line: number; col: number } {
  const p = lc.linePos(offset);
  return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
}

/** The node at `path` (or the deepest one found on the way), for its position. */
function nodeAt(doc: Document, path: readonly PathSegment[], atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let best: Node | undefined = (doc.contents as Node | null) ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (pair === undefined) break;
      if (last && atKey && isScalar(pair.key)) return pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else break;
    if (node !== null && typeof node === 'object' && 'range' in node) best = node as Node;
    else break;
  }
  return best;
}

/** Parse and validate a scenario from YAML or JSON text. Throws `ScenarioError` (one line, with line:col). */
export function parseScenario(text: string, options: ParseOptions = {}): Scenario {
  const where = options.file === undefined ? {} : { file: options.file };
  if (text.length > MAX_SCENARIO_BYTES) {
    throw new ScenarioError(`the file is larger than ${MAX_SCENARIO_BYTES} bytes; a scenario is a page of steps`, where);
  }
  const lc = new LineCounter();
  const json = (options.format ?? (options.file !== undefined && /\.json$/i.test(options.file) ? 'json' : 'yaml')) === 'json';
  let jsonData: unknown;
  if (json) {
    try {
      jsonData = JSON.parse(text);
    } catch (e) {
      const bad = jsonSyntaxError(text);
      if (bad === undefined) throw new ScenarioError(`malformed JSON: ${String((e as Error).message).split('\n')[0] ?? ''}`, where);
      lc.addNewLine(0);
      for (let i = 0; i < text.length; i++) if (text[i] === '\n') lc.addNewLine(i + 1);
      throw new ScenarioError(`malformed JSON: ${bad.message}`, { ...where, ...position(lc, bad.offset) });
    }
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    throw new ScenarioError(`could not read the document: ${e instanceof RangeError ? 'it is nested too deeply' : String((e as Error).message).split('\n')[0]}`, where);
  }
  const err = doc.errors[0];
  if (err !== undefined) {
    const { line, col } = position(lc, err.pos[0]);
    const first = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const msg = /call stack/i.test(first) ? 'the document is nested too deeply' : first;
    throw new ScenarioError(`malformed ${json ? 'JSON' : 'YAML'}: ${msg}`, { ...where, line, col });
  }
  let data: unknown = jsonData;
  try {
    if (!json) data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ScenarioError(`could not read the document: ${e instanceof RangeError ? 'it is nested too deeply' : String((e as Error).message).split('\n')[0]}`, where);
  }
  if (options.topologyOverride !== undefined && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const doc = data as Record<string, unknown>;
    const topology = doc['topology'];
    const base = topology !== null && typeof topology === 'object' && !Array.isArray(topology) ? topology : {};
    data = { ...doc, topology: { ...base, ...options.topologyOverride } };
  }
  const issues = scenarioIssues(data, options);
  const first = issues[0];
  if (first === undefined) return data as Scenario;
  const at = (i: Issue): { line: number; col: number } | undefined => {
    const node = nodeAt(doc, i.path, i.at === 'key');
    return node?.range ? position(lc, node.range[0]) : undefined;
  };
  const others = issues.slice(1).map((i) => problemLine(i.message, { ...where, ...(at(i) ?? {}), path: i.path }));
  throw new ScenarioError(first.message, { ...where, ...(at(first) ?? {}), path: first.path, others });
}

/** A scenario as YAML text (keys in the order they were given). */
export function scenarioToYaml(scenario: Scenario): string {
  return stringify(scenario, { lineWidth: 0 });
}
