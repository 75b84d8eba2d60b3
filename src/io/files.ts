/**
 * Reading input files and writing output files, safely. Input: only a regular file, and
 * only up to a size limit: `/dev/zero`, a FIFO or a 10 GB log given by mistake must be a
 * one-line error, not a hang or a process that eats the machine's memory. The file is
 * opened non-blocking (opening a FIFO with no writer would wait forever), checked on the
 * open descriptor (no window between the check and the read), then read to at most the
 * limit (a /proc file says its size is 0). Output: written to a temporary file in the same
 * directory, then renamed over the target, so a reader never sees half a report.
 */
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** The cap on input text files the CLI reads (`env.readFile`); each loader may set a lower one. */
export const MAX_INPUT_FILE_BYTES = 4_000_000;

/** Why a file could not be read, as the end of a sentence naming it: `--config c.yaml is not a regular file`. */
export class FileReadError extends Error {
  constructor(
    readonly path: string,
    /** `does not exist`, `is a directory`, `is not a regular file`, `is larger than N bytes`, `cannot be read (EACCES)`. */
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'FileReadError';
  }
}

function problemOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? String((e as Error).message ?? e).split('\n')[0]})`;
}

/**
 * Opens `path` for reading without blocking on a device or FIFO, and checks it is a regular
 * file; its descriptor and size, or a `FileReadError` (the descriptor then closed).
 */
function openRegularFile(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new FileReadError(path, problemOf(e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileReadError(path, 'is a directory');
    if (!st.isFile()) throw new FileReadError(path, 'is not a regular file');
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The text (UTF-8) of a regular file of at most `maxBytes` bytes; else a `FileReadError`. */
export function readRegularFile(path: string, maxBytes: number): string {
  const { fd, size } = openRegularFile(path);
  try {
    const tooBig = new FileReadError(path, `is larger than ${maxBytes} bytes`);
    if (size > maxBytes) throw tooBig;
    // Read in chunks until the end, or until one byte past the limit.
    const chunks: Buffer[] = [];
    let n = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - n, Math.max(size + 1 - n, 64 * 1024)));
      let got: number;
      try {
        got = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new FileReadError(path, problemOf(e));
      }
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      n += got;
      if (n > maxBytes) throw tooBig;
    }
    return Buffer.concat(chunks, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a regular file (UTF-8) line by line, in chunks, calling `onLine` with each line
 * (without its newline) and its number from 1: the lines `text.split('\n')` gives, less a
 * last empty one. Memory stays bounded by the longest line (at most `maxLineChars`),
 * whatever the file's size. A file that cannot be read, or a longer line, is a
 * `FileReadError`; what `onLine` throws goes through.
 */
export function readRegularFileLines(path: string, maxLineChars: number, onLine: (line: string, n: number) => void, chunkBytes = 1 << 20): void {
  const { fd } = openRegularFile(path);
  try {
    const decoder = new StringDecoder('utf8');
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let carry = '';
    let n = 0;
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new FileReadError(path, problemOf(e));
      }
      const text = got === 0 ? decoder.end() : decoder.write(chunk.subarray(0, got));
      let from = 0;
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
        onLine(carry + text.slice(from, at), ++n);
        carry = '';
        from = at + 1;
      }
      carry += text.slice(from);
      if (carry.length > maxLineChars) throw new FileReadError(path, `has a line longer than ${maxLineChars} characters (line ${n + 1})`);
      if (got === 0) break;
    }
    if (carry !== '') onLine(carry, ++n);
  } finally {
    closeSync(fd);
  }
}

/** Writes `text` to `path` atomically: a temporary file beside it, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
