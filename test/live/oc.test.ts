import { afterAll, describe, expect, test } from 'vitest';
import { LiveCluster } from '../../src/live/cluster.ts';
import { OcRunner } from '../../src/live/oc.ts';
import { Masker } from '../../src/live/secrets.ts';
import { SECRETS, STANDIN, callLog, exampleConfig, loopbackServer, removeTempDirs } from './helpers.ts';

afterAll(removeTempDirs);

function runner(env: NodeJS.ProcessEnv, path = STANDIN, timeoutMs = 10_000): OcRunner {
  return new OcRunner({ path, timeoutMs, masker: new Masker(), env: { ...process.env, ...env } });
}

describe('oc runner: exit codes and stderr become one clear sentence', () => {
  test('preflight reads every secret first: a missing one is named before anything runs', async () => {
    const log = callLog();
    const { CERTCHAIN_COUCHDB_PASSWORD: _omit, ...rest } = SECRETS;
    const cluster = new LiveCluster(exampleConfig(), { dryRun: false, env: { ...rest, OC_STANDIN_LOG: log.path } });
    await expect(cluster.preflight()).rejects.toThrow('couchdb.password: environment variable CERTCHAIN_COUCHDB_PASSWORD is not set');
    expect(log.calls()).toEqual([]);
  });

  test('oc missing at the configured path', async () => {
    await expect(runner({}, '/nonexistent/bin/oc').run({ args: ['whoami'] })).rejects.toThrow('oc: not found at /nonexistent/bin/oc');
  });

  test('oc not logged in', async () => {
    await expect(runner({ OC_STANDIN_FAIL: 'not-logged-in' }).run({ args: ['whoami'] })).rejects.toThrow(/^oc: not logged in/);
  });

  test('oc that hangs is killed after the timeout', async () => {
    const started = Date.now();
    await expect(runner({ OC_STANDIN_FAIL: 'hang' }, STANDIN, 1500).run({ args: ['get', 'deployment', 'peer0', '-n', 'certchain-techpulse', '-o', 'json'] })).rejects.toThrow(
      'oc timed out after 1.5s: oc get deployment peer0 -n certchain-techpulse -o json',
    );
    expect(Date.now() - started).toBeLessThan(8000);
  });

  test('cluster unreachable', async () => {
    await expect(runner({ OC_STANDIN_FAIL: 'unreachable' }).run({ args: ['whoami'] })).rejects.toThrow(/^oc: cannot reach the cluster/);
  });

  test('deployment not found names the deployment and the namespace (preflight stops before any change)', async () => {
    const srv = await loopbackServer((req, _body, res) => {
      const [, , , ns, name] = (req.url ?? '').split('/');
      if (req.url === '/admin/whoami') res.end('kube:admin');
      else if (ns === 'certchain-techpulse' && name === 'peer0') {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'deployments.apps', name }));
      } else res.end(JSON.stringify({ spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1 } }));
    });
    const log = callLog();
    try {
      const cluster = new LiveCluster(exampleConfig(), { dryRun: false, env: { ...process.env, ...SECRETS, OC_STANDIN_URL: srv.url, OC_STANDIN_LOG: log.path } });
      await expect(cluster.preflight()).rejects.toThrow(/^deployment peer0 not found in certchain-techpulse$/);
      // Only reads happened: whoami, then a get per deployment up to the missing one.
      expect(new Set(log.calls().map((c) => c.args[0]))).toEqual(new Set(['whoami', 'get']));
      expect(await cluster.finish()).toEqual([]);
    } finally {
      await srv.close();
    }
  });
});
