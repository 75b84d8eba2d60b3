/**
 * A secret echoed back in any encoding is masked: a server or `oc` that repeats the
 * request (URL-encoded, form-encoded, inside JSON, as written in the curl config) must
 * not print the password in a new disguise.
 */
import { describe, expect, test } from 'vitest';
import { LiveCluster } from '../../src/live/cluster.ts';
import { curlConfigQuote, Masker } from '../../src/live/secrets.ts';
import { certificateFor } from '../../src/scenarios/cluster.ts';
import { SECRETS, exampleConfig, loopbackServer } from './helpers.ts';

// Every character class an encoding treats differently: space, quote, backslash, slash,
// &, +, %, =, <, >, *, ~, ', non-ASCII, a line break.
const SECRET = `p@ss w/"q\\u&+%=<x>*~'é€\n1`;

const ENCODINGS: [string, (s: string) => string][] = [
  ['raw', (s) => s],
  ['encodeURIComponent', encodeURIComponent],
  ['encodeURIComponent, lower-case hex', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
  ['encodeURI', encodeURI],
  ['form encoding (space as +)', (s) => new URLSearchParams({ password: s }).toString().slice('password='.length)],
  ['JSON.stringify inner text', (s) => JSON.stringify(s).slice(1, -1)],
  ['JSON as Go writes it (<, >, & escaped)', (s) => JSON.stringify(s).slice(1, -1).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)],
  ['JSON as Python writes it (non-ASCII escaped)', (s) => JSON.stringify(s).slice(1, -1).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
  ['curl config escaping', curlConfigQuote],
  ['base64 (a Kubernetes Secret)', (s) => Buffer.from(s).toString('base64')],
];

describe('Masker: every encoding of a secret', () => {
  test.each(ENCODINGS)('%s', (_name, encode) => {
    const m = new Masker();
    m.add(SECRET);
    const encoded = encode(SECRET);
    const out = m.mask(`server said: invalid value "${encoded}" for password`);
    expect(out).toBe('server said: invalid value "***" for password');
  });

  test('the curl config line for CouchDB is masked whole, with the user name kept', () => {
    const m = new Masker();
    m.add(SECRET);
    expect(m.mask(`user = "${curlConfigQuote(`admin:${SECRET}`)}"`)).toBe('user = "admin:***"');
  });
});

describe('a server that echoes the request back', () => {
  test('Keycloak repeating the form body (URL-encoded password) in its error: masked in the step error', async () => {
    const srv = await loopbackServer((_req, body, res) => {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: 'invalid_request', error_description: `could not parse ${body}` }));
    });
    try {
      const password = 'tp Secret/4711&x=+1';
      const c = new LiveCluster(exampleConfig({ api: srv.url, keycloak: srv.url }), { dryRun: false, env: { ...process.env, ...SECRETS, CERTCHAIN_TECHPULSE_PASSWORD: password } });
      const r = await c.issueCertificate('techpulse', certificateFor('techpulse', { certID: 'ECHO-1' }));
      expect(r.ok).toBe(false);
      expect(r.error).toContain('password=***');
      expect(r.error).not.toContain(new URLSearchParams({ p: password }).toString().slice(2));
      expect(r.error).not.toContain('Secret');
    } finally {
      await srv.close();
    }
  });
});
