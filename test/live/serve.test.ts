import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServe, type RunningServe } from '../../src/live/serve/server.ts';
import { certificateFor } from '../../src/scenarios/cluster.ts';
import { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { cliSimTarget } from './helpers.ts';

let serve: RunningServe;

beforeAll(async () => {
  serve = await startServe({ cluster: await SimCluster.create({ seed: 3, keep: { logs: true } }), port: 0, speed: 50, adminToken: 'adm', maxBodyBytes: 2048 });
});
afterAll(async () => serve?.close());

/** The lab's token request, with the host replaced. */
async function token(realm = 'techpulse', password = 'admin', user = `admin@${realm}.demo`): Promise<Response> {
  return fetch(`${serve.url}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'course-manager-ui', username: user, password }).toString(),
  });
}

const cert = (certID: string): Record<string, string> => ({ ...certificateFor('techpulse', { certID }) });

describe('serve: the simulated CertChain behind the real HTTP APIs', () => {
  test('binds loopback by default', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("the lab's flow: token, issue with the Bearer token, verify without one", async () => {
    const t = await token();
    expect(t.status).toBe(200);
    const { access_token } = (await t.json()) as { access_token: string };
    const issued = await fetch(`${serve.url}/api/v1/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(cert('RESIL-SERVE-1')),
    });
    expect(issued.status).toBe(201);
    expect(await issued.json()).toMatchObject({ success: true, txID: expect.any(String) as string, blockNumber: expect.any(Number) as number });
    const v = await fetch(`${serve.url}/api/v1/verify/RESIL-SERVE-1`);
    expect(v.status).toBe(200);
    expect(await v.json()).toMatchObject({ certID: 'RESIL-SERVE-1', status: 'VALID' });
    expect(await (await fetch(`${serve.url}/api/v1/verify/NOPE-1`)).json()).toMatchObject({ status: 'NOT_FOUND' });
  });

  test('401 without a token, with a forged one, and for wrong credentials; 404 for an unknown realm', async () => {
    const post = (auth?: string): Promise<Response> =>
      fetch(`${serve.url}/api/v1/certificates`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(cert('X-401')) });
    expect((await post()).status).toBe(401);
    expect((await post('Bearer eyJhbGciOiJIUzI1NiJ9.eyJvcmciOiJ0ZWNocHVsc2UifQ.AAAA')).status).toBe(401);
    const bad = await token('techpulse', 'wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    expect((await token('nowhere')).status).toBe(404);
  });

  test('bad JSON 400 with the reason, missing fields 400, oversized bodies 413', async () => {
    const { access_token } = (await (await token('dataforge')).json()) as { access_token: string };
    const post = (body: string): Promise<Response> =>
      fetch(`${serve.url}/api/v1/certificates`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body });
    const r1 = await post('{"certID": ');
    expect(r1.status).toBe(400);
    expect(await r1.json()).toMatchObject({ error: 'bad JSON', reason: expect.stringMatching(/JSON/) as string });
    const r2 = await post(JSON.stringify({ certID: 'X' }));
    expect(r2.status).toBe(400);
    expect(await r2.json()).toEqual({ error: 'invalid certificate', reason: 'field "studentID" must be a non-empty string' });
    const r3 = await post(JSON.stringify({ ...cert('BIG'), studentName: 'x'.repeat(4000) }));
    expect(r3.status).toBe(413);
  });

  test("/metrics: Prometheus text with Fabric's names, one series per running node", async () => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    expect(text).toContain('# TYPE consensus_BFT_committed_block_number gauge');
    expect(text).toMatch(/^consensus_BFT_committed_block_number\{channel="certchannel",namespace="certchain-dataforge",pod="orderer-sim"\} \d+$/m);
    expect(text).toMatch(/^ledger_blockchain_height\{channel="certchannel",namespace="certchain-techpulse",pod="peer0-sim"\} \d+$/m);
  });

  test('Argo CD self-heal: an orderer scaled down while auto-sync is on comes back; paused, it stays down', async () => {
    const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(`${serve.url}/admin${path}`, { method, headers: { 'x-admin-token': 'adm', 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const replicas = async (): Promise<number> => ((await (await admin('GET', '/deployments/certchain-org3/orderer')).json()) as { status: { readyReplicas: number } }).status.readyReplicas;
    expect((await admin('POST', '/deployments/certchain-org3/orderer/scale', { replicas: 0 })).status).toBe(200);
    expect(await replicas()).toBe(0);
    // 5 simulated seconds at speed 50 is 100 ms.
    const deadline = Date.now() + 5000;
    while ((await replicas()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await replicas()).toBe(1);

    await admin('PATCH', '/applications/openshift-gitops/certchain-org3', { spec: { syncPolicy: { automated: null } } });
    await admin('POST', '/deployments/certchain-org3/orderer/scale', { replicas: 0 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await replicas()).toBe(0);
    await admin('POST', '/deployments/certchain-org3/orderer/scale', { replicas: 1 });
    expect(await replicas()).toBe(1);
  });

  test('oc logs --since-time (sinceTime): only lines from then on; a time that is not RFC 3339 is refused', async () => {
    const logs = (q: string): Promise<Response> => fetch(`${serve.url}/admin/deployments/certchain-techpulse/orderer/logs${q}`, { headers: { 'x-admin-token': 'adm' } });
    const whole = await (await logs('')).text();
    expect(whole.trim().split('\n').length).toBeGreaterThan(1);
    expect(await (await logs(`?sinceTime=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).text()).toBe('');
    expect(await (await logs(`?sinceTime=${encodeURIComponent(new Date(0).toISOString())}`)).text()).toBe(whole);
    const bad = await logs('?sinceTime=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('invalid argument "yesterday" for "--since-time" flag');
  });

  test('admin calls need the admin token', async () => {
    expect((await fetch(`${serve.url}/admin/whoami`)).status).toBe(401);
    expect(await (await fetch(`${serve.url}/admin/whoami`, { headers: { 'x-admin-token': 'adm' } })).text()).toBe('kube:admin');
  });
});

/** A token's access_token for `realm`. */
async function bearer(realm = 'techpulse'): Promise<string> {
  return `Bearer ${((await (await token(realm)).json()) as { access_token: string }).access_token}`;
}

/** One raw HTTP/1.1 request line (a target fetch would normalise); the status line and body of the answer. */
function rawRequest(requestLine: string): Promise<{ status: string; body: string }> {
  return new Promise((resolveP, rejectP) => {
    const sock = connect(Number(new URL(serve.url).port), '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error(`no answer to "${requestLine}"`)));
    sock.on('data', (b) => (data += b.toString('utf8')));
    sock.on('error', rejectP);
    sock.on('close', () => resolveP({ status: data.split('\r\n')[0] ?? '', body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
    sock.write(`${requestLine} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  });
}

describe('serve: client input gets a 4xx with the reason, never a 500', () => {
  test('a malformed % escape in a path segment: 400 with a JSON error, on every route that decodes one', async () => {
    const auth = { authorization: await bearer() };
    const cases: [string, RequestInit][] = [
      ['/api/v1/verify/%E0%A4%A', {}],
      ['/api/v1/certificates/%E0%A4%A/revoke', { method: 'POST', headers: auth }],
      ['/realms/%E0%A4%A/protocol/openid-connect/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' }],
      ['/admin/deployments/%E0%A4%A/orderer', { headers: { 'x-admin-token': 'adm' } }],
    ];
    for (const [path, init] of cases) {
      const r = await fetch(`${serve.url}${path}`, init);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('content-type'), path).toBe('application/json');
      expect(((await r.json()) as { error: string }).error, path).toMatch(/percent-encoded UTF-8|bad request/);
    }
    expect(await (await fetch(`${serve.url}/api/v1/verify/%E0%A4%A`)).json()).toEqual({ error: 'bad request', reason: 'the certID "%E0%A4%A" in the path is not valid percent-encoded UTF-8' });
  });

  test('a request target that is not a path (OPTIONS *, //[) is 400 or 404, and serve keeps answering', async () => {
    expect(await rawRequest('OPTIONS *')).toEqual({ status: 'HTTP/1.1 400 Bad Request', body: '{"error":"bad request","reason":"the request target \\"*\\" is not a path"}' });
    expect((await rawRequest('GET //[')).status).toBe('HTTP/1.1 404 Not Found');
    // `//metrics` is a path, not the host "metrics": no route, rather than /metrics or /.
    expect((await rawRequest('GET //metrics')).status).toBe('HTTP/1.1 404 Not Found');
    expect((await fetch(`${serve.url}/metrics`)).status).toBe(200);
  });

  test('an impossible date, or an expiry before the issue date: 400 naming the field; a leap day is a date', async () => {
    const auth = await bearer();
    const post = (over: Record<string, string>): Promise<Response> =>
      fetch(`${serve.url}/api/v1/certificates`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ ...cert('DATE-1'), ...over }) });
    const cases: [Record<string, string>, string][] = [
      [{ issueDate: '2024-02-30' }, 'field "issueDate" is not a date: "2024-02-30" has day 30, February 2024 has 29 days'],
      [{ issueDate: '2023-02-29' }, 'field "issueDate" is not a date: "2023-02-29" has day 29, February 2023 has 28 days'],
      [{ issueDate: '2024-13-01' }, 'field "issueDate" is not a date: "2024-13-01" has no month 13'],
      [{ expiryDate: '2027-04-31' }, 'field "expiryDate" is not a date: "2027-04-31" has day 31, April 2027 has 30 days'],
      [{ expiryDate: '2027-00-10' }, 'field "expiryDate" is not a date: "2027-00-10" has no month 0'],
      [{ issueDate: '2024-05-01', expiryDate: '2024-04-01' }, 'field "expiryDate" (2024-04-01) is before "issueDate" (2024-05-01)'],
      [{ certID: '   ' }, 'field "certID" must not be blank'],
    ];
    for (const [over, reason] of cases) {
      const r = await post(over);
      expect(r.status, JSON.stringify(over)).toBe(400);
      expect(await r.json()).toEqual({ error: 'invalid certificate', reason });
    }
    const leap = await post({ certID: 'DATE-LEAP', issueDate: '2024-02-29', expiryDate: '2028-02-29' });
    expect(leap.status).toBe(201);
  });

  test('every route answers only its methods: others get 405 with Allow (a GET route answers HEAD too)', async () => {
    const admin = { 'x-admin-token': 'adm' };
    const cases: [string, string, string, Record<string, string>?][] = [
      ['/metrics', 'PATCH', 'GET, HEAD'],
      ['/metrics', 'DELETE', 'GET, HEAD'],
      ['/metrics', 'POST', 'GET, HEAD'],
      ['/metrics', 'PUT', 'GET, HEAD'],
      ['/api/v1/verify/TP-FSWD-001', 'POST', 'GET, HEAD'],
      ['/api/v1/verify/TP-FSWD-001', 'DELETE', 'GET, HEAD'],
      ['/api/v1/certificates', 'GET', 'POST'],
      ['/api/v1/certificates', 'PUT', 'POST'],
      ['/api/v1/certificates/TP-FSWD-001/revoke', 'GET', 'POST'],
      ['/api/v1/certificates/TP-FSWD-001/revoke', 'DELETE', 'POST'],
      ['/realms/techpulse/protocol/openid-connect/token', 'GET', 'POST'],
      ['/admin/whoami', 'POST', 'GET, HEAD', admin],
      ['/admin/deployments/certchain-techpulse/orderer', 'DELETE', 'GET, HEAD', admin],
      ['/admin/deployments/certchain-techpulse/orderer/logs', 'POST', 'GET, HEAD', admin],
      ['/admin/deployments/certchain-techpulse/orderer/scale', 'GET', 'POST', admin],
      ['/admin/deployments/certchain-techpulse/orderer/exec', 'PUT', 'POST', admin],
      ['/admin/applications/openshift-gitops/certchain-org3', 'DELETE', 'GET, HEAD, PATCH', admin],
    ];
    for (const [path, method, allow, headers] of cases) {
      const r = await fetch(`${serve.url}${path}`, { method, ...(headers ? { headers } : {}) });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(((await r.json()) as { error: string }).error).toBe('method not allowed');
    }
    const head = await fetch(`${serve.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect((await fetch(`${serve.url}/api/v1/verify/TP-FSWD-001`, { method: 'HEAD' })).status).toBe(200);
  });

  test('a certificate body that is not JSON by its Content-Type: 415 naming it', async () => {
    const r = await fetch(`${serve.url}/api/v1/certificates`, {
      method: 'POST',
      headers: { authorization: await bearer(), 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify(cert('FORM-1')),
    });
    expect(r.status).toBe(415);
    expect(await r.json()).toEqual({ error: 'unsupported media type', reason: 'the body must be JSON (Content-Type: application/json), got "application/x-www-form-urlencoded"' });
    expect(await (await fetch(`${serve.url}/api/v1/verify/FORM-1`)).json()).toMatchObject({ status: 'NOT_FOUND' });
  });

  test('admin calls: an unparsable curl URL is curl\'s exit 3; a merge patch nested past 32 levels and a rollout timeout that is not a number of ms are 400', async () => {
    const admin = (path: string, body: unknown): Promise<Response> =>
      fetch(`${serve.url}/admin${path}`, { method: 'POST', headers: { 'x-admin-token': 'adm', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const c = await admin('/deployments/certchain-techpulse/couchdb/exec', { command: ['curl', '-s', '-u', 'admin:adminpw', 'http://['] });
    expect(c.status).toBe(200);
    expect(await c.json()).toEqual({ stdout: '', stderr: 'curl: (3) URL using bad/illegal format or missing URL\n', code: 3 });
    // The default 64 KiB body limit (this suite's server allows 2 KiB) holds a patch 10 000 levels deep.
    const roomy = await startServe({ cluster: await SimCluster.create({ seed: 4, keep: { logs: true } }), port: 0, speed: 50, adminToken: 'adm' });
    try {
      const deep = await fetch(`${roomy.url}/admin/applications/openshift-gitops/certchain-org3`, {
        method: 'PATCH',
        headers: { 'x-admin-token': 'adm', 'content-type': 'application/json' },
        body: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      });
      expect(deep.status).toBe(400);
      expect(await deep.json()).toEqual({ error: 'the patch nests deeper than 32 levels' });
    } finally {
      await roomy.close();
    }
    for (const timeoutMs of ['soon', -1, 1e12]) {
      const r = await admin('/deployments/certchain-techpulse/orderer/rollout', { timeoutMs });
      expect(r.status, String(timeoutMs)).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe(`timeoutMs must be a number of ms from 0 to 3600000, got ${JSON.stringify(timeoutMs)}`);
    }
  });
});

describe('serve: only the org that issued a certificate may revoke it', () => {
  test("another org's token gets 403 and the certificate stays valid; the issuer revokes it once (then 409); an unknown one is 404", async () => {
    const tp = await bearer('techpulse');
    const df = await bearer('dataforge');
    const issued = await fetch(`${serve.url}/api/v1/certificates`, { method: 'POST', headers: { authorization: tp, 'content-type': 'application/json' }, body: JSON.stringify(cert('REVOKE-1')) });
    expect(issued.status).toBe(201);
    const revoke = (auth: string, id = 'REVOKE-1'): Promise<Response> => fetch(`${serve.url}/api/v1/certificates/${id}/revoke`, { method: 'POST', headers: { authorization: auth } });
    const other = await revoke(df);
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ certID: 'REVOKE-1', error: 'forbidden', reason: "only the org that issued REVOKE-1 (techpulse) may revoke it; this token is dataforge's" });
    expect(await (await fetch(`${serve.url}/api/v1/verify/REVOKE-1`)).json()).toMatchObject({ status: 'VALID' });
    const own = await revoke(tp);
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ certID: 'REVOKE-1', status: 'REVOKED' });
    expect(await (await fetch(`${serve.url}/api/v1/verify/REVOKE-1`)).json()).toMatchObject({ status: 'REVOKED' });
    const again = await revoke(tp);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ certID: 'REVOKE-1', error: 'the certificate REVOKE-1 is already revoked' });
    expect((await revoke(tp, 'NO-SUCH-CERT')).status).toBe(404);
  });
});

describe('serve command', () => {
  test('starts the simulated CertChain on loopback, prints how to use it, stops on Ctrl-C', async () => {
    const out: string[] = [];
    const { runLiveCommand } = await import('../../src/live/cli.ts');
    const done = runLiveCommand('serve', ['--port', '0', '--speed', '5'], { stdout: (s) => out.push(s), stderr: (s) => out.push(s), target: cliSimTarget });
    const deadline = Date.now() + 20_000;
    while (!out.join('').includes('Ctrl-C stops it.') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.join(''))?.[1];
    expect(url, out.join('')).toBeDefined();
    const v = await fetch(`${url ?? ''}/api/v1/verify/TP-FSWD-001`);
    expect(await v.json()).toMatchObject({ status: 'VALID' });
    process.emit('SIGINT');
    expect(await done).toBe(0);
  });

  test('bad flags: one line, exit 2', async () => {
    const { runLiveCommand } = await import('../../src/live/cli.ts');
    const err: string[] = [];
    expect(await runLiveCommand('serve', ['--speed', '0'], { stdout: () => undefined, stderr: (s) => err.push(s), target: cliSimTarget })).toBe(2);
    expect(err.join('')).toBe('fabric-bft-sim serve: --speed expects a number above 0 and at most 1000, got "0"\n');
  });
});
