/**
 * Secrets for the live adapter: where they come from (an environment variable or a file
 * named in the config, never the command line) and how they are kept out of every line
 * we print, every report and every error (`Masker`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** How the config names a secret: `{ env: NAME }` or `{ file: PATH }` (relative to the config file). */
export type SecretRef = { readonly env: string } | { readonly file: string };

export const MASK = '***';

/** Replaces every known secret value (and the Bearer tokens we obtained) with `***`. */
export class Masker {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would mask ordinary words; a secret must have at least 3 characters.
    if (value !== undefined && value.length >= 3) this.values.add(value);
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    const sorted = [...this.values].sort((a, b) => b.length - a.length);
    for (const v of sorted) out = out.split(v).join(MASK);
    // Bearer tokens we never registered (e.g. printed back by a server) are masked too.
    out = out.replace(/(Bearer\s+)[A-Za-z0-9\-_.~+/=]{8,}/g, `$1${MASK}`);
    out = out.replace(/("(?:access_token|refresh_token|id_token|password|client_secret)"\s*:\s*")[^"]*(")/g, `$1${MASK}$2`);
    return out;
  }

  /** An Error whose message is masked (the original stays out of the chain). */
  error(message: string): Error {
    return new Error(this.mask(message));
  }
}

/** Read one secret. Fails with a message naming the variable or file, never the value. */
export function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv, baseDir: string): string {
  if ('env' in ref) {
    const v = env[ref.env];
    if (v === undefined || v === '') throw new Error(`${what}: environment variable ${ref.env} is not set`);
    return v;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(baseDir, ref.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`${what}: cannot read secret file ${path} (${code})`);
  }
  const v = text.replace(/\r?\n$/, '');
  if (v === '') throw new Error(`${what}: secret file ${path} is empty`);
  return v;
}

/** Where a secret comes from, for plans and docs (`$NAME` or `file:PATH`). */
export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `$${ref.env}` : `file:${ref.file}`;
}
