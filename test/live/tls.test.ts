import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LiveCluster } from '../../src/live/cluster.ts';
import { SECRETS, exampleConfig } from './helpers.ts';

const hasOpenssl = existsSync('/usr/bin/openssl') || existsSync('/usr/local/bin/openssl');
let url = '';
let ca = '';
let close: () => Promise<void> = async () => undefined;
let dir: string | undefined;

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'fbs-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    res.end(req.url?.startsWith('/realms/') ? JSON.stringify({ access_token: 'tok-tok-tok-tok', expires_in: 60 }) : JSON.stringify({ status: 'VALID' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => {
  await close();
  // The directory holds a private key.
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl)('TLS: verified by default, a CA file or --insecure opt in', () => {
  const env = { ...process.env, ...SECRETS };

  test('an untrusted certificate fails with the fix in the message', async () => {
    const c = new LiveCluster(exampleConfig({ api: url, keycloak: url }), { dryRun: false, env });
    const r = await c.verifyCertificate('TP-FSWD-001', 'techpulse');
    expect(r.status).toBe('NOT_FOUND');
    expect(r.error).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ not trusted .*tls\.caFile or --ca-file, or pass --insecure/);
  });

  test('with the CA it is trusted; with --insecure verification is skipped', async () => {
    const withCa = new LiveCluster(exampleConfig({ api: url, keycloak: url }), { dryRun: false, env, tls: { ca } });
    expect(await withCa.verifyCertificate('TP-FSWD-001', 'techpulse')).toEqual({ status: 'VALID' });
    const insecure = new LiveCluster(exampleConfig({ api: url, keycloak: url }), { dryRun: false, env, tls: { insecure: true } });
    expect(await insecure.verifyCertificate('TP-FSWD-001', 'techpulse')).toEqual({ status: 'VALID' });
  });
});
