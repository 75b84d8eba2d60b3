import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServe, type RunningServe } from '../../src/live/serve/server.ts';
import { certificateFor } from '../../src/scenarios/cluster.ts';
import { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';

let serve: RunningServe;

beforeAll(async () => {
  serve = await startServe({ cluster: await SimCluster.create({ seed: 3 }), port: 0, speed: 50, adminToken: 'adm', maxBodyBytes: 2048 });
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

describe('serve command', () => {
  test('starts the simulated CertChain on loopback, prints how to use it, stops on Ctrl-C', async () => {
    const out: string[] = [];
    const { runLiveCommand } = await import('../../src/live/cli.ts');
    const done = runLiveCommand('serve', ['--port', '0', '--speed', '5'], { stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
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
    expect(await runLiveCommand('serve', ['--speed', '0'], { stdout: () => undefined, stderr: (s) => err.push(s) })).toBe(2);
    expect(err.join('')).toBe('fabric-bft-sim serve: --speed must be a number above 0 and at most 1000, got "0"\n');
  });
});
