/**
 * The one `--help` layout, generated from a command's spec (grammar.ts), so every flag the
 * parser takes is listed and nothing else:
 *
 *   Usage: fabric-bft-sim <command> ...
 *
 *   One paragraph: what it does.
 *
 *   Options:
 *     --flag VALUE    what it is (default D)
 *     -h, --help      print this help
 *     -v, --version   print the version
 *
 *   Examples:
 *     fabric-bft-sim <command> ...
 */
import { PROGRAM, type CommandSpec, type FlagDef } from './grammar.ts';

/** Lines are wrapped to this width (descriptions hang under their column). */
const WIDTH = 100;

/** The placeholder a flag's value gets in help. */
export function placeholder(def: FlagDef): string {
  if (def.type === 'bool') return '';
  if (def.value !== undefined) return def.value;
  switch (def.type) {
    case 'int':
      return 'N';
    case 'number':
      return 'X';
    case 'duration':
      return 'DURATION';
    case 'list':
    case 'ints':
      return 'LIST';
    default:
      return 'VALUE';
  }
}

function wrap(text: string, indent: number, width = WIDTH): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && indent + line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.flags).map(([name, def]) => {
    const value = placeholder(def);
    const flag = `${def.short !== undefined ? `-${def.short}, ` : ''}--${name}${value === '' ? '' : ` ${value}`}`;
    return [flag, `${def.help}${def.default !== undefined ? ` (default ${def.default})` : ''}`];
  });
  rows.push(['-h, --help', 'print this help'], ['-v, --version', 'print the version']);
  const w = Math.min(28, Math.max(...rows.map(([f]) => f.length)));
  const options = rows.flatMap(([flag, text]) => {
    const body = wrap(text, w + 4);
    if (flag.length > w) return [`  ${flag}`, ...body.map((l) => `  ${''.padEnd(w)}  ${l}`)];
    return body.map((l, i) => `  ${(i === 0 ? flag : '').padEnd(w)}  ${l}`);
  });
  const usage = spec.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}${PROGRAM} ${spec.name}${u === '' ? '' : ` ${u}`}`);
  const description = spec.description
    .split('\n\n')
    // An indented paragraph (a list of subcommands) is kept as written; prose is wrapped.
    .map((para) => (para.startsWith('  ') ? para : wrap(para, 0).join('\n')))
    .join('\n\n');
  return `${usage.join('\n')}

${description}

Options:
${options.join('\n')}

Examples:
${spec.examples.map((e) => `  ${e}`).join('\n')}
`;
}
