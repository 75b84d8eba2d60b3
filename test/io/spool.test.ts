/**
 * Output streamed as a run goes (src/io/spool.ts) and trace files read line by line
 * (src/io/files.ts readRegularFileLines): the file system, for real.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSpool, memorySpool } from '../../src/io/spool.ts';
import { FileReadError, readRegularFileLines } from '../../src/io/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fresh(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

describe('fileSpool', () => {
  it('has no name while it fills: the folder stays empty until commit writes head + text whole', () => {
    const d = fresh('commit');
    const spool = fileSpool(d);
    const lines: string[] = [];
    // over 1 MiB, so some of it went to the file before the commit
    for (let i = 0; i < 40_000; i++) {
      const line = `{"t":${i},"k":"note","text":"é ${'x'.repeat(i % 50)}"}\n`;
      lines.push(line);
      spool.append(line);
    }
    expect(readdirSync(d)).toEqual([]);
    spool.commit(join(d, 'run.jsonl'), 'HEAD\n');
    expect(readdirSync(d)).toEqual(['run.jsonl']);
    expect(readFileSync(join(d, 'run.jsonl'), 'utf8')).toBe(`HEAD\n${lines.join('')}`);
    spool.discard();
    expect(readdirSync(d)).toEqual(['run.jsonl']);
  });

  it('an empty spool commits the head alone; commit replaces an earlier file', () => {
    const d = fresh('empty');
    writeFileSync(join(d, 'run.jsonl'), 'an older run\n');
    fileSpool(d).commit(join(d, 'run.jsonl'), 'HEAD\n');
    expect(readFileSync(join(d, 'run.jsonl'), 'utf8')).toBe('HEAD\n');
  });

  it('discard leaves nothing, and a commit after it is refused', () => {
    const d = fresh('discard');
    const spool = fileSpool(d);
    spool.append('x\n');
    spool.discard();
    expect(readdirSync(d)).toEqual([]);
    expect(() => spool.commit(join(d, 'run.jsonl'), '')).toThrow('already committed or discarded');
    expect(readdirSync(d)).toEqual([]);
  });

  it('a commit that cannot write (its folder gone) throws and leaves no temporary file', () => {
    const d = fresh('gone');
    const spool = fileSpool(d);
    spool.append('x\n');
    expect(() => spool.commit(join(d, 'missing', 'run.jsonl'), 'HEAD\n')).toThrow(/ENOENT/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('memorySpool commits head + text through the given writer', () => {
    const written = new Map<string, string>();
    const spool = memorySpool((p, t) => void written.set(p, t));
    spool.append('a\n');
    spool.append('b\n');
    spool.commit('f', 'H\n');
    expect(written.get('f')).toBe('H\na\nb\n');
  });
});

describe('readRegularFileLines', () => {
  it('gives the lines text.split("\\n") gives, less a last empty one, across chunk boundaries and multi-byte characters', () => {
    const d = fresh('lines');
    let i = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'é', '€', '😀', '\n', '{', '"'), { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (chars, chunk) => {
        const text = chars.join('');
        const f = join(d, `f${i++}`);
        writeFileSync(f, text);
        const got: [string, number][] = [];
        readRegularFileLines(f, 1000, (line, n) => void got.push([line, n]), chunk);
        const want = text.split('\n');
        if (want.at(-1) === '') want.pop();
        expect(got).toEqual(want.map((l, k) => [l, k + 1]));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what is not a regular file, and a line over the cap, with the problem named', () => {
    const d = fresh('refuse');
    const problem = (f: () => void): string => {
      try {
        f();
      } catch (e) {
        return e instanceof FileReadError ? e.problem : `not a FileReadError: ${String(e)}`;
      }
      return 'no error';
    };
    writeFileSync(join(d, 'long'), `short\n${'x'.repeat(50)}\n`);
    expect(problem(() => readRegularFileLines('/dev/zero', 10, () => {}))).toBe('is not a regular file');
    expect(problem(() => readRegularFileLines(d, 10, () => {}))).toBe('is a directory');
    expect(problem(() => readRegularFileLines(join(d, 'nope'), 10, () => {}))).toBe('does not exist');
    expect(problem(() => readRegularFileLines(join(d, 'long'), 10, () => {}, 8))).toBe('has a line longer than 10 characters (line 2)');
  });
});
