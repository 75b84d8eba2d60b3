/**
 * Output written as a run goes, kept out of the heap, and published whole at the end: a
 * trace file (`run --trace`) grows with every message of the run, and its first line (the
 * header) holds the run's verdict, known only when the run is over.
 *
 * A spool is an anonymous file: created beside the output (same file system, never a
 * RAM-backed /tmp) and unlinked at once, so it has no name while the run goes: a run that
 * ends any way at all, Ctrl-C or `kill` included, leaves nothing behind (the kernel frees
 * it with the process). Appends are buffered and written in chunks of about 1 MiB. At the
 * end, `commit` writes the head and the spooled text to a temporary file beside the output
 * and renames it over the output (as `writeFileAtomic` does): a reader sees the whole file
 * or none. Where an open file cannot be unlinked (Windows), the spool keeps its hidden
 * name until it is committed or discarded.
 *
 * A write that fails (disk full) does not stop the run: the spool stops writing, and
 * `commit` throws that error.
 */
import { closeSync, openSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface Spool {
  /** Appends text (one or more whole lines). Never throws: a failed write is kept for `commit`. */
  append(text: string): void;
  /** Writes `head`, then everything appended, to `path`, atomically; the spool is closed after. */
  commit(path: string, head: string): void;
  /** Drops what was spooled (and its file). Safe to call again, or after `commit`. */
  discard(): void;
  /**
   * Reads back what was appended, one line (without its newline) per call, undefined at
   * the end; for a spool that takes no more appends. Throws the error of a failed write.
   */
  lines(): () => string | undefined;
}

/** Spooled text is written when this many UTF-16 units are waiting. */
const FLUSH_CHARS = 1 << 20;
const COPY_BYTES = 1 << 20;

let spools = 0;

function writeAll(fd: number, buf: Buffer, length: number): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

/** A spool in directory `dir` (which must exist and be writable); throws if it cannot be created. */
export function fileSpool(dir: string): Spool {
  const name = join(dir, `.fabric-bft-sim.${process.pid}.${Date.now().toString(36)}.${spools++}.spool`);
  let fd: number | undefined = openSync(name, 'wx+', 0o600);
  let named = true;
  try {
    unlinkSync(name);
    named = false;
  } catch {
    // Windows: an open file keeps its name; removed on commit or discard.
  }
  let pending: string[] = [];
  let pendingChars = 0;
  let failed: unknown;
  const flush = (): void => {
    if (pendingChars === 0 || fd === undefined) return;
    const text = pending.join('');
    pending = [];
    pendingChars = 0;
    if (failed !== undefined) return;
    try {
      const buf = Buffer.from(text, 'utf8');
      writeAll(fd, buf, buf.length);
    } catch (e) {
      failed = e;
    }
  };
  const close = (): void => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } finally {
      fd = undefined;
      pending = [];
      pendingChars = 0;
      if (named) rmSync(name, { force: true });
    }
  };
  return {
    append(text) {
      if (fd === undefined || failed !== undefined) return;
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= FLUSH_CHARS) flush();
    },
    commit(path, head) {
      if (fd === undefined) throw new Error('the spool was already committed or discarded');
      const src = fd;
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
      let out: number | undefined;
      try {
        flush();
        if (failed !== undefined) throw failed;
        out = openSync(tmp, 'wx', 0o644);
        const h = Buffer.from(head, 'utf8');
        writeAll(out, h, h.length);
        const buf = Buffer.allocUnsafe(COPY_BYTES);
        for (let pos = 0; ; ) {
          const n = readSync(src, buf, 0, COPY_BYTES, pos);
          if (n === 0) break;
          writeAll(out, buf, n);
          pos += n;
        }
        closeSync(out);
        out = undefined;
        renameSync(tmp, path);
      } catch (e) {
        if (out !== undefined) closeSync(out);
        rmSync(tmp, { force: true });
        throw e;
      } finally {
        close();
      }
    },
    discard: close,
    lines() {
      flush();
      if (failed !== undefined) throw failed;
      const decoder = new StringDecoder('utf8');
      const buf = Buffer.allocUnsafe(COPY_BYTES);
      let pos = 0;
      let ready: string[] = [];
      let next = 0;
      let carry = '';
      let done = false;
      return () => {
        while (next >= ready.length && !done) {
          const n = fd === undefined ? 0 : readSync(fd, buf, 0, COPY_BYTES, pos);
          pos += n;
          const text = n === 0 ? decoder.end() : decoder.write(buf.subarray(0, n));
          const parts = (carry + text).split('\n');
          carry = parts.pop() ?? '';
          ready = parts;
          next = 0;
          if (n === 0) {
            done = true;
            if (carry !== '') ready.push(carry);
          }
        }
        return next < ready.length ? ready[next++] : undefined;
      };
    },
  };
}

/** A spool in memory, committed with `write` (a whole-file writer): for environments without files (tests' in-memory CLI). */
export function memorySpool(write: (path: string, text: string) => void): Spool {
  let parts: string[] | undefined = [];
  return {
    append(text) {
      parts?.push(text);
    },
    commit(path, head) {
      if (parts === undefined) throw new Error('the spool was already committed or discarded');
      const text = head + parts.join('');
      parts = undefined;
      write(path, text);
    },
    discard() {
      parts = undefined;
    },
    lines() {
      const all = (parts ?? []).join('').split('\n');
      if (all.at(-1) === '') all.pop();
      let next = 0;
      return () => all[next++];
    },
  };
}
