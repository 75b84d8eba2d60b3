/**
 * `fabric-bft-sim serve [--port 8080] [--host 127.0.0.1] [--speed 1] [--seed 1] [--orderers 4]`:
 * the simulated CertChain on loopback, until Ctrl-C. Passwords the stand-in Keycloak and
 * CouchDB accept come from the same environment variables the example live config names
 * (CERTCHAIN_<ORG>_PASSWORD, CERTCHAIN_COUCHDB_PASSWORD), defaulting to the lab's.
 */
import { randomBytes } from 'node:crypto';
import { bool, num, parseArgs, str, UsageError } from '../../args/grammar.ts';
import { LIVE_SPECS } from '../usage.ts';
import type { LiveCliIo } from '../cli.ts';
import { simTargetOf } from '../cli.ts';
import { startServe } from './server.ts';

export async function runServe(argv: readonly string[], io: LiveCliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(LIVE_SPECS.serve, argv);
  if (args.positionals.length > 0) throw new UsageError(`serve: takes no arguments, got "${args.positionals[0] ?? ''}"`);
  const port = num(args, 'port') ?? 8080;
  const seed = num(args, 'seed') ?? 1;
  const orderers = num(args, 'orderers') ?? 4;
  const speed = num(args, 'speed') ?? 1;
  const host = str(args, 'host') ?? '127.0.0.1';

  const target = await simTargetOf(io);
  // `oc logs` of the stand-in reads every node's log: the cluster keeps every line.
  const cluster = await target.create({ name: 'serve', topology: { preset: 'certchain', orderers }, steps: [] }, { seed, keep: { logs: true } });
  const passwords: Record<string, string> = {};
  for (const org of cluster.topology.orgs) passwords[org] = env[`CERTCHAIN_${org.toUpperCase()}_PASSWORD`] ?? 'admin';
  const adminToken = env['OC_STANDIN_TOKEN'] ?? randomBytes(16).toString('hex');
  const running = await startServe({ cluster, host, port, speed, passwords, couchdbPassword: env['CERTCHAIN_COUCHDB_PASSWORD'] ?? 'adminpw', adminToken });
  if (bool(args, 'json')) {
    // One document, then the server runs until Ctrl-C; the admin token is not printed.
    io.stdout(`${JSON.stringify({ url: running.url, seed, orderers, speed, token: `${running.url}/realms/techpulse/protocol/openid-connect/token`, api: `${running.url}/api/v1`, metrics: `${running.url}/metrics` }, null, 2)}\n`);
  } else {
    io.stdout(
      [
        `CertChain (simulated, seed ${seed}, ${orderers} orderers, speed x${speed}) on ${running.url}`,
        `  token:   curl -X POST ${running.url}/realms/techpulse/protocol/openid-connect/token -d grant_type=password -d client_id=course-manager-ui -d username=admin@techpulse.demo -d password=...`,
        `  issue:   POST ${running.url}/api/v1/certificates    verify: GET ${running.url}/api/v1/verify/TP-FSWD-001    metrics: ${running.url}/metrics`,
        `  oc stand-in (test/live/fixtures/oc): export OC_STANDIN_URL=${running.url} OC_STANDIN_TOKEN=<the admin token in $OC_STANDIN_TOKEN, or set it before starting serve>`,
        host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' ? `  WARNING: listening on ${host}, not loopback: anyone who can reach it can use the API.` : '',
        'Ctrl-C stops it.',
      ]
        .filter((l) => l !== '')
        .join('\n') + '\n',
    );
  }
  await new Promise<void>((resolveP) => process.once('SIGINT', () => resolveP()));
  await running.close();
  await cluster.close();
  return 0;
}
