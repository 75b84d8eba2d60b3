/** Input files: regular and bounded; output files: written whole or not at all. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FileReadError, readRegularFile, writeFileAtomic } from '../../src/io/files.ts';
import { processEnv } from '../../src/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof FileReadError ? e.problem : `not a FileReadError: ${String(e)}`;
  }
  return 'no error';
}

describe('readRegularFile', () => {
  test('refuses a device, a FIFO, a directory, a missing file and a file over the limit, at once', () => {
    const pipe = join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    writeFileSync(join(dir, 'big'), 'x'.repeat(101));
    expect(problem(() => readRegularFile('/dev/zero', 100))).toBe('is not a regular file');
    expect(problem(() => readRegularFile(pipe, 100))).toBe('is not a regular file');
    expect(problem(() => readRegularFile(dir, 100))).toBe('is a directory');
    expect(problem(() => readRegularFile(join(dir, 'nope'), 100))).toBe('does not exist');
    expect(problem(() => readRegularFile(join(dir, 'big'), 100))).toBe('is larger than 100 bytes');
    expect(readRegularFile(join(dir, 'big'), 101)).toBe('x'.repeat(101));
  });

  test("the CLI's readFile (scenario files) is bounded too", () => {
    expect(problem(() => processEnv().readFile('/dev/zero'))).toBe('is not a regular file');
  });
});

describe('writeFileAtomic', () => {
  test('replaces the file by a rename (a new inode, never a half-written old one) and leaves no temporary file', () => {
    const p = join(dir, 'report.html');
    writeFileSync(p, 'old');
    const before = statSync(p).ino;
    writeFileAtomic(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(statSync(p).ino).not.toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('report.html'))).toEqual(['report.html']);
  });

  test("the CLI's writeFile (--report, --trace) is atomic", () => {
    const p = join(dir, 'trace.jsonl');
    writeFileSync(p, 'old');
    const before = statSync(p).ino;
    processEnv().writeFile(p, 'new');
    expect(statSync(p).ino).not.toBe(before);
    expect(readFileSync(p, 'utf8')).toBe('new');
  });
});
