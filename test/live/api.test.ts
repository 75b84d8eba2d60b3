import { describe, expect, test } from 'vitest';
import { LiveCluster } from '../../src/live/cluster.ts';
import { certificateFor } from '../../src/scenarios/cluster.ts';
import { SECRETS, exampleConfig, loopbackServer } from './helpers.ts';

const cert = certificateFor('techpulse', { certID: 'RESIL-1' });
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLXNlY3JldA';

describe('REST API and Keycloak through LiveCluster', () => {
  test('token failure: Keycloak 401 gives the realm, the user and Keycloak\'s reason, and no password', async () => {
    const srv = await loopbackServer((_req, _body, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid user credentials' }));
    });
    try {
      const c = new LiveCluster(exampleConfig({ api: srv.url, keycloak: srv.url }), { dryRun: false, env: { ...process.env, ...SECRETS } });
      const r = await c.issueCertificate('techpulse', cert);
      expect(r).toEqual({ ok: false, error: 'Keycloak realm techpulse: login of admin@techpulse.demo failed (HTTP 401: Invalid user credentials)' });
    } finally {
      await srv.close();
    }
  });

  test('a missing password variable is named, not guessed', async () => {
    const c = new LiveCluster(exampleConfig(), { dryRun: false, env: {} });
    const r = await c.issueCertificate('dataforge', cert);
    expect(r).toEqual({ ok: false, error: 'orgs.dataforge.password: environment variable CERTCHAIN_DATAFORGE_PASSWORD is not set' });
  });

  test('API 5xx: issue fails with the status and the server\'s message; verify reports the error beside NOT_FOUND', async () => {
    const seen: { url: string; auth: string; body: string }[] = [];
    const srv = await loopbackServer((req, body, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body });
      if (req.url?.startsWith('/realms/')) {
        res.end(JSON.stringify({ access_token: TOKEN, expires_in: 300 }));
        return;
      }
      res.statusCode = 503;
      res.end(JSON.stringify({ message: 'gateway: endorsement policy not met (1 of 2 orgs)' }));
    });
    try {
      const c = new LiveCluster(exampleConfig({ api: srv.url, keycloak: srv.url }), { dryRun: false, env: { ...process.env, ...SECRETS } });
      expect(await c.issueCertificate('techpulse', cert)).toEqual({ ok: false, error: 'API POST /api/v1/certificates answered 503: gateway: endorsement policy not met (1 of 2 orgs)' });
      expect(await c.verifyCertificate('RESIL-1', 'techpulse')).toEqual({ status: 'NOT_FOUND', error: 'API GET /api/v1/verify/RESIL-1 answered 503: gateway: endorsement policy not met (1 of 2 orgs)' });
      // The lab's token request: password grant, client course-manager-ui, the org's realm and user.
      const tokenReq = seen.find((s) => s.url === '/realms/techpulse/protocol/openid-connect/token');
      expect(new URLSearchParams(tokenReq?.body)).toEqual(
        new URLSearchParams({ grant_type: 'password', client_id: 'course-manager-ui', username: 'admin@techpulse.demo', password: SECRETS.CERTCHAIN_TECHPULSE_PASSWORD }),
      );
      expect(seen.filter((s) => s.url.startsWith('/api/')).every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
      // The token was fetched once and cached.
      expect(seen.filter((s) => s.url.startsWith('/realms/'))).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });

  test('secrets never printed: progress lines, transcript and errors carry neither passwords nor the token', async () => {
    const srv = await loopbackServer((req, _body, res) => {
      if (req.url?.startsWith('/realms/')) {
        res.end(JSON.stringify({ access_token: TOKEN, expires_in: 300 }));
        return;
      }
      // A misbehaving server that echoes credentials back in its error.
      res.statusCode = 500;
      res.end(`internal error for Bearer ${TOKEN} password ${SECRETS.CERTCHAIN_TECHPULSE_PASSWORD}`);
    });
    const printed: string[] = [];
    try {
      const c = new LiveCluster(exampleConfig({ api: srv.url, keycloak: srv.url }), {
        dryRun: false,
        env: { ...process.env, ...SECRETS },
        onStep: (l) => printed.push(l),
      });
      const r = await c.issueCertificate('techpulse', cert);
      expect(r.ok).toBe(false);
      printed.push(r.error ?? '', c.io.plan.format(), JSON.stringify(c.io.plan.entries));
      const all = printed.join('\n');
      expect(all).toContain('answered 500');
      expect(all).toContain('Bearer ***');
      for (const secret of [...Object.values(SECRETS), TOKEN]) expect(all).not.toContain(secret);
    } finally {
      await srv.close();
    }
  });
});
