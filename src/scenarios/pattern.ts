/**
 * Patterns in scenario files (`waitFor.log.match`, `expect: { matches }`), compiled with
 * RE2 (re2js, a JavaScript port of Go's regexp/RE2): matching takes time linear in the
 * text, so no pattern can freeze a run the way a backtracking JavaScript RegExp does
 * (`^(.*?,?)*X$` on a long log line never returns, and in `live` not even Ctrl-C or
 * --timeout get to run).
 *
 * The syntax is RE2's (https://github.com/google/re2/wiki/Syntax): what the lab's
 * `grep -E` patterns and most JavaScript patterns use (`\d+`, `\[`, `[Ee]`, `(a|b)`,
 * `^`, `$`, `(?i)`), without backreferences (`\1`) or lookaround (`(?=`, `(?!`, `(?<=`,
 * `(?<!`), which need backtracking. A pattern is at most MAX_PATTERN_LENGTH characters
 * and compiles to at most MAX_PROGRAM_SIZE RE2 instructions, which bounds the cost of
 * matching one character.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** The longest pattern a scenario may write. */
export const MAX_PATTERN_LENGTH = 1000;

/** The largest compiled pattern (RE2 program size): `.{1000}` is about 1000. */
export const MAX_PROGRAM_SIZE = 10_000;

/** What every syntax error ends with: which syntax is accepted. */
export const PATTERN_SYNTAX = 'patterns use RE2 syntax: no backreferences or lookaround; see https://github.com/google/re2/wiki/Syntax';

/** A compiled pattern: `test` says whether it matches anywhere in the text. */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
}

/** The compiled pattern, or a one-line reason (`not a valid pattern: ...`) why it is not one. */
export function parsePattern(source: string): { pattern: Pattern } | { error: string } {
  if (source.length > MAX_PATTERN_LENGTH) {
    return { error: `not a valid pattern: it is ${source.length} characters long, the limit is ${MAX_PATTERN_LENGTH}` };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    return { error: `not a valid pattern: ${reason(e)} (${PATTERN_SYNTAX})` };
  }
  const size = re.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return { error: `not a valid pattern: it compiles to ${size} RE2 instructions, the limit is ${MAX_PROGRAM_SIZE} (use smaller repeat counts)` };
  }
  return { pattern: { source, test: (text) => re.test(text) } };
}

/** A pattern already validated by the schema (or resolved from a `$reference`); throws a one-line Error otherwise. */
export function compilePattern(source: string): Pattern {
  const r = parsePattern(source);
  if ('error' in r) throw new Error(r.error);
  return r.pattern;
}

/** RE2's complaint, named as a JavaScript user would know it when it is a feature RE2 leaves out. */
function reason(e: RE2JSException): string {
  if (!(e instanceof RE2JSSyntaxException)) return e.message;
  const at = e.getPattern() ?? '';
  const known: readonly (readonly [string, string])[] = [
    ['(?=', 'lookahead (?= is not supported'],
    ['(?!', 'negative lookahead (?! is not supported'],
    ['(?<=', 'lookbehind (?<= is not supported'],
    ['(?<!', 'negative lookbehind (?<! is not supported'],
    ['\\k', 'named backreference \\k is not supported'],
  ];
  for (const [prefix, text] of known) if (at.startsWith(prefix)) return text;
  const backref = /^\\[1-9]/.exec(at);
  if (backref) return `backreference ${backref[0]} is not supported`;
  const what = e.getDescription();
  return at === '' ? what : `${what}: ${at}`;
}
