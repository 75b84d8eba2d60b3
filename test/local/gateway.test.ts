/**
 * The local target's Gateway client (src/local/gateway.ts) on a submit the orderers refused as
 * already processed: the decision, with the exact texts Fabric 3.1.5 sends, and the commit
 * status request it then sends, read back by the Gateway SDK. No Fabric binaries needed.
 */
import * as grpc from '@grpc/grpc-js';
import { connect } from '@hyperledger/fabric-gateway';
import { gateway as gp, msp } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { ALREADY_PROCESSED, commitStatusRequestBytes, OrgGateways, orderedAlready } from '../../src/local/gateway.ts';
import type { NetPlan } from '../../src/local/plan.ts';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What submitBFT answers when it counts too few orderers (internal/pkg/gateway/submit.go). */
const QUORUM = '14 UNAVAILABLE: insufficient number of orderers could successfully process transaction to satisfy quorum requirement';
const detail = (info: string, port: number): { address: string; mspId: string; message: string } => ({
  address: `127.0.0.1:${port}`,
  mspId: 'OrdererMSP',
  message: `received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: ${info}`,
});

describe('a submit refused as "request already processed" (Gateway submitBFT, SmartBFT requestpool.go)', () => {
  it('is a transaction already ordered: its commit status decides', () => {
    expect(ALREADY_PROCESSED).toBe('info=failed to submit request: request already processed');
    // The bootstrap failure of 2026-12-02: two of four orderers had decided the transaction when it reached them.
    expect(orderedAlready({ message: QUORUM, details: [detail('request already processed', 31050), detail('request already processed', 31051)] })).toBe(true);
    // One such orderer is enough: it removed the request from its pool after the decision.
    expect(orderedAlready({ message: QUORUM, details: [detail('request already processed', 31050), { address: '127.0.0.1:31052', mspId: 'OrdererMSP', message: 'rpc error: code = Unavailable desc = connection refused' }] })).toBe(true);
  });

  it('other refusals stay failures', () => {
    expect(orderedAlready({ message: QUORUM, details: [detail('request already exists', 31050)] })).toBe(false);
    expect(orderedAlready({ message: QUORUM, details: [{ address: '127.0.0.1:31050', mspId: 'OrdererMSP', message: 'rpc error: code = Unavailable desc = connection refused' }] })).toBe(false);
    expect(orderedAlready({ message: QUORUM })).toBe(false);
    expect(orderedAlready(new Error('request already processed'))).toBe(false);
  });
});

describe('commitStatusRequestBytes', () => {
  it('is a SignedCommitStatusRequest the Gateway SDK reads, for the given transaction, channel and identity', () => {
    const cert = new TextEncoder().encode(`-----BEGIN CERTIFICATE-----\n${'A'.repeat(700)}\n-----END CERTIFICATE-----\n`);
    const bytes = commitStatusRequestBytes('certchannel', 'a1b2c3', 'Org1MSP', cert);
    const signed = gp.SignedCommitStatusRequest.deserializeBinary(bytes);
    expect(signed.getSignature_asU8().length).toBe(0);
    const req = gp.CommitStatusRequest.deserializeBinary(signed.getRequest_asU8());
    expect(req.getTransactionId()).toBe('a1b2c3');
    expect(req.getChannelId()).toBe('certchannel');
    const id = msp.SerializedIdentity.deserializeBinary(req.getIdentity_asU8());
    expect(id.getMspid()).toBe('Org1MSP');
    expect(Buffer.from(id.getIdBytes_asU8()).equals(Buffer.from(cert))).toBe(true);
    // The SDK's own reader (the client is never dialled).
    const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
    const g = connect({ client, identity: { mspId: 'Org1MSP', credentials: cert } });
    try {
      expect(g.newCommit(bytes).getTransactionId()).toBe('a1b2c3');
    } finally {
      g.close();
      client.close();
    }
  });
});

describe('OrgGateways.connectAll', () => {
  it('an org whose peer does not answer is returned, and its failed channel is not kept: the first call through it opens a fresh one (a kept channel in back-off fails at once with 14 UNAVAILABLE)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbs-connectall-'));
    try {
      const msp = join(dir, 'msp');
      mkdirSync(join(msp, 'signcerts'), { recursive: true });
      mkdirSync(join(msp, 'keystore'), { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=peer0.org1', '-days', '1', '-keyout', join(msp, 'keystore', 'key.pem'), '-out', join(msp, 'signcerts', 'cert.pem')], { stdio: 'ignore' });
      // A port nothing listens on: bind one, note it, close it.
      const port = await new Promise<number>((resolve) => {
        const srv = createServer();
        srv.listen(0, '127.0.0.1', () => {
          const p = (srv.address() as AddressInfo).port;
          srv.close(() => resolve(p));
        });
      });
      const plan = {
        channel: 'certchannel',
        orgs: ['org1'],
        peers: [{ id: 'peer0.org1', org: 'org1', msp: 'Org1MSP', port, userMsp: msp, tlsCa: join(msp, 'signcerts', 'cert.pem') }],
        chaincode: { name: 'certs' },
      } as unknown as NetPlan;
      const gateways = new OrgGateways(plan);
      try {
        expect(await gateways.connectAll(300)).toEqual(['org1']);
        expect((gateways as unknown as { open: Map<string, unknown> }).open.size).toBe(0);
      } finally {
        gateways.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
