/**
 * Secrets for the live adapter: where they come from (an environment variable or a file
 * named in the config, never the command line) and how they are kept out of every line
 * we print, every report and every error (`Masker`).
 */
import { isAbsolute, resolve } from 'node:path';
import { FileReadError, readRegularFile } from '../io/files.ts';

/** How the config names a secret: `{ env: NAME }` or `{ file: PATH }` (relative to the config file). */
export type SecretRef = { readonly env: string } | { readonly file: string };

export const MASK = '***';

/** Largest secret file read: a password or a token, not a data set. */
export const MAX_SECRET_BYTES = 64 * 1024;

/**
 * The inside of a double-quoted string in a curl config file (`user = "..."`, read by
 * `curl -K -`): backslash, quote and the line breaks escaped as curl reads them, so no
 * value can end the string or start a new config line.
 */
export function curlConfigQuote(s: string): string {
  return s.replace(/[\\"\n\r\t\v]/g, (c) => `\\${({ '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' } as Record<string, string>)[c] ?? c}`);
}

/** `\u00e9` for each character the predicate picks (JSON's escape, lower-case hex). */
function jsonEscapeWhere(json: string, pick: (c: string) => boolean): string {
  let out = '';
  for (const c of json) {
    if (!pick(c)) out += c;
    else for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/**
 * Every form in which a secret may come back to us when a server or `oc` echoes what we
 * sent: as is; URL-encoded (encodeURIComponent, encodeURI, and form encoding with `+` for
 * space, as the Keycloak form is sent), with upper- or lower-case hex; inside a JSON
 * string (JSON.stringify's escapes, Go's `<>&` escapes, Python's escaped non-ASCII);
 * escaped as in the curl config we write for CouchDB; and base64 (a Kubernetes Secret's
 * data).
 */
export function secretEncodings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  // encodeURI* throw on a lone surrogate (which nobody could have sent URL-encoded).
  const uri = (f: (v: string) => string): string => {
    try {
      return f(value);
    } catch {
      return value;
    }
  };
  const out = new Set<string>([
    value,
    uri(encodeURIComponent),
    uri(encodeURI),
    new URLSearchParams([['k', value]]).toString().slice(2),
    json,
    jsonEscapeWhere(json, (c) => c === '<' || c === '>' || c === '&' || c === '\u2028' || c === '\u2029'),
    jsonEscapeWhere(json, (c) => c.codePointAt(0)! > 0x7f),
    curlConfigQuote(value),
    Buffer.from(value, 'utf8').toString('base64'),
  ]);
  for (const v of [...out]) if (/%[0-9A-F]{2}/.test(v)) out.add(v.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  return [...out];
}

/** Replaces every known secret value, in each of its encodings (and the Bearer tokens we obtained), with `***`. */
export class Masker {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would mask ordinary words; a secret must have at least 3 characters.
    if (value !== undefined && value.length >= 3) for (const v of secretEncodings(value)) this.values.add(v);
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
    text = readRegularFile(path, MAX_SECRET_BYTES);
  } catch (e) {
    if (e instanceof FileReadError) throw new Error(`${what}: secret file ${path} ${e.problem}`);
    throw e;
  }
  const v = text.replace(/\r?\n$/, '');
  if (v === '') throw new Error(`${what}: secret file ${path} is empty`);
  return v;
}

/** Where a secret comes from, for plans and docs (`$NAME` or `file:PATH`). */
export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `$${ref.env}` : `file:${ref.file}`;
}
