/**
 * Certificates through the Fabric Gateway (internal/pkg/gateway in the peer), as the
 * lab's API does: each org's User1 identity against its own peer. The Gateway endorses
 * on enough orgs' peers for the policy (discovery) and, under BFT, sends the transaction
 * to every orderer (submit.go submitBFT).
 */
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import type { Certificate, IssueResult, OkResult, VerifyResult, VerifyStatus } from '../scenarios/cluster.ts';
import type { NetPlan, PeerPlan } from './plan.ts';

/** TxValidationCode names (fabric-protos peer/transaction.proto) of the codes a run can meet. */
const TX_CODES: Readonly<Record<number, string>> = {
  0: 'VALID',
  10: 'ENDORSEMENT_POLICY_FAILURE',
  11: 'MVCC_READ_CONFLICT',
  12: 'PHANTOM_READ_CONFLICT',
  22: 'DUPLICATE_TXID',
  255: 'INVALID_OTHER_REASON',
};

function firstFile(dir: string): string {
  const f = readdirSync(dir).find((x) => !x.startsWith('.'));
  if (f === undefined) throw new Error(`no file in ${dir}`);
  return join(dir, f);
}

/** One sentence from a Gateway error: its message and the peers' / orderers' details. */
export function gatewayErrorText(e: unknown): string {
  const err = e as { message?: string; details?: readonly { address?: string; message?: string }[] };
  const details = (err.details ?? []).map((d) => `${d.address ?? '?'}: ${d.message ?? ''}`.trim());
  const msg = (err.message ?? String(e)).split('\n')[0] ?? '';
  return details.length > 0 ? `${msg} (${details.join('; ')})` : msg;
}

/**
 * The orderers' answer when a transaction reached their request pool after it was decided:
 * SmartBFT's pool keeps a removed request's ID for a while and refuses it again with
 * ErrReqAlreadyProcessed (SmartBFT internal/bft/requestpool.go), which the orderer answers as
 * SERVICE_UNAVAILABLE; the Gateway's submitBFT (internal/pkg/gateway/submit.go) lets only
 * `request already exists` through, so such answers count as failures and can fail the submit
 * ("insufficient number of orderers could successfully process transaction to satisfy quorum
 * requirement") although the transaction is in a block (Fabric's integration/gateway
 * gateway_bft_test.go shows that detail on a resubmitted transaction).
 */
export const ALREADY_PROCESSED = 'info=failed to submit request: request already processed';

/**
 * Whether a failed submit says the ordering service decided the transaction already: one
 * orderer's detail is `request already processed`. Its fate is then the commit status, not
 * the submit's error.
 */
export function orderedAlready(e: unknown): boolean {
  const details = (e as { details?: readonly { message?: string }[] }).details ?? [];
  return details.some((d) => (d.message ?? '').endsWith(ALREADY_PROCESSED));
}

/**
 * An unsigned gateway.SignedCommitStatusRequest for the transaction, as the Gateway client
 * builds it for one it submitted: the SDK has no public call for a transaction it did not
 * submit, so the request is built with fabric-protos (the SDK's own messages), and
 * `Gateway.newCommit` reads it and signs it on getStatus.
 */
export function commitStatusRequestBytes(channel: string, txID: string, mspId: string, certificate: Uint8Array): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(certificate);
  const request = new gatewayProtos.CommitStatusRequest();
  request.setTransactionId(txID);
  request.setChannelId(channel);
  request.setIdentity(identity.serializeBinary());
  const signed = new gatewayProtos.SignedCommitStatusRequest();
  signed.setRequest(request.serializeBinary());
  return signed.serializeBinary();
}

/** The chaincode's own message in an endorsement error (`chaincode response 500, <message>`), if any. */
export function chaincodeMessage(e: unknown): string | undefined {
  const all = [String((e as { message?: string }).message ?? ''), ...((e as { details?: readonly { message?: string }[] }).details ?? []).map((d) => d.message ?? '')];
  for (const m of all) {
    const x = /chaincode response \d+, (.*)$/.exec(m);
    if (x) return x[1];
  }
  return undefined;
}

export class OrgGateways {
  private readonly open = new Map<string, { client: grpc.Client; gateway: Gateway; contract: Contract; credentials: Uint8Array }>();

  constructor(private readonly plan: NetPlan) {}

  private peerOf(org: string): PeerPlan {
    const p = this.plan.peers.find((x) => x.org === org);
    if (p === undefined) throw new Error(`unknown org "${org}" (orgs: ${this.plan.orgs.join(', ')})`);
    return p;
  }

  contract(org: string): Contract {
    const hit = this.open.get(org);
    if (hit !== undefined) return hit.contract;
    const p = this.peerOf(org);
    const client = new grpc.Client(`127.0.0.1:${p.port}`, grpc.credentials.createSsl(readFileSync(p.tlsCa)), {
      // The peer's certificate names its host (cryptogen); an IP as TLS server name is deprecated in Node.
      'grpc.ssl_target_name_override': p.id,
    });
    const credentials = readFileSync(firstFile(join(p.userMsp, 'signcerts')));
    const gateway = connect({
      client,
      identity: { mspId: p.msp, credentials },
      signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(firstFile(join(p.userMsp, 'keystore'))))),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 30_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    const contract = gateway.getNetwork(this.plan.channel).getContract(this.plan.chaincode.name);
    this.open.set(org, { client, gateway, contract, credentials });
    return contract;
  }

  /**
   * Open every org's connection to its peer now (the gRPC channel with its TLS handshake),
   * instead of in the first call through that org. The lab's API keeps its Gateway
   * connections open, and the model charges no connection set-up, so a scenario's first
   * issue through an org would otherwise time our client's handshake beside Fabric's commit:
   * 11-43 ms at load 4-6 on 2026-12-03, in kill-orderer's steps 1 and 13 and peer-recovery's
   * step 4 (docs/fidelity.md). An org whose peer does not answer within `timeoutMs` is left
   * to connect at its first call, as before; the orgs that did not connect are returned.
   */
  async connectAll(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const failed = await Promise.all(
      this.plan.orgs.map(async (org) => {
        this.contract(org);
        const g = this.open.get(org);
        if (g === undefined) return org;
        const ok = await new Promise<boolean>((resolve) => g.client.waitForReady(deadline, (err) => resolve(err === undefined || err === null)));
        if (ok) return undefined;
        // Not kept: its channel is in TRANSIENT_FAILURE with a growing reconnect back-off, and a
        // call on it would fail at once (14 UNAVAILABLE) until the back-off ends, even once the
        // peer listens. The first call through the org opens a fresh one, as before.
        g.gateway.close();
        g.client.close();
        this.open.delete(org);
        return org;
      }),
    );
    return failed.filter((x): x is string => x !== undefined);
  }

  /**
   * The commit status of a transaction this org's gateway endorsed (its peer's CommitStatus,
   * which waits for the commit): for a submit the orderers refused as already processed.
   */
  private async commitStatus(org: string, txID: string): Promise<IssueResult> {
    this.contract(org);
    const g = this.open.get(org);
    if (g === undefined) return { ok: false, txID, error: `no gateway for ${org}` };
    try {
      const status = await g.gateway.newCommit(commitStatusRequestBytes(this.plan.channel, txID, this.peerOf(org).msp, g.credentials)).getStatus();
      if (!status.successful) return { ok: false, txID, error: `transaction ${txID} was not committed: ${TX_CODES[status.code] ?? `validation code ${status.code}`}` };
      return { ok: true, txID, block: Number(status.blockNumber) };
    } catch (e) {
      return { ok: false, txID, error: `transaction ${txID} was already processed by the orderers, but its commit status failed: ${gatewayErrorText(e)}` };
    }
  }

  /** Submit and wait for the commit on the org's own peer. */
  async submit(org: string, fn: string, args: readonly string[]): Promise<{ ok: boolean; txID?: string; block?: number; payload?: string; error?: string }> {
    let txID: string | undefined;
    try {
      const c = this.contract(org);
      const commit = await c.submitAsync(fn, { arguments: [...args] });
      txID = commit.getTransactionId();
      const status = await commit.getStatus();
      if (!status.successful) {
        return { ok: false, txID, block: Number(status.blockNumber), error: `transaction ${txID} was not committed: ${TX_CODES[status.code] ?? `validation code ${status.code}`}` };
      }
      return { ok: true, txID, block: Number(status.blockNumber), payload: Buffer.from(commit.getResult()).toString('utf8') };
    } catch (e) {
      return { ok: false, ...(txID !== undefined ? { txID } : {}), error: chaincodeMessage(e) ?? gatewayErrorText(e) };
    }
  }

  /**
   * Issue several certificates as one batch: every proposal is endorsed first, then all are
   * sent to the orderers at once, so the leader orders them in one block (its batch waits
   * RequestBatchMaxInterval for more) as the simulator does with requests that arrive together.
   */
  async issueTogether(items: readonly { org: string; cert: Certificate }[]): Promise<IssueResult[]> {
    const endorsed = await Promise.all(
      items.map(async ({ org, cert }) => {
        try {
          const proposal = this.contract(org).newProposal('IssueCertificate', { arguments: [cert.certID, cert.studentID, cert.studentName, cert.courseID, cert.courseName, cert.issueDate, cert.expiryDate] });
          return { tx: await proposal.endorse() };
        } catch (e) {
          return { error: chaincodeMessage(e) ?? gatewayErrorText(e) };
        }
      }),
    );
    return Promise.all(
      endorsed.map(async (x, i): Promise<IssueResult> => {
        if (x.tx === undefined) return { ok: false, error: x.error ?? 'failed' };
        const txID = x.tx.getTransactionId();
        try {
          const status = await (await x.tx.submit()).getStatus();
          if (!status.successful) return { ok: false, txID, error: `transaction ${txID} was not committed: ${TX_CODES[status.code] ?? `validation code ${status.code}`}` };
          return { ok: true, txID, block: Number(status.blockNumber) };
        } catch (e) {
          // Decided already (the orderers that answered late had it removed from their pools):
          // it succeeded if it commits valid.
          const org = items[i]?.org;
          if (orderedAlready(e) && org !== undefined) return this.commitStatus(org, txID);
          return { ok: false, txID, error: gatewayErrorText(e) };
        }
      }),
    );
  }

  /**
   * Endorse an IssueCertificate proposal and drop it: the endorse call alone (the Gateway's
   * two rounds), nothing ordered or written (`calibrate`'s endorse figure).
   */
  async endorseIssue(org: string, cert: Certificate): Promise<void> {
    await this.contract(org)
      .newProposal('IssueCertificate', { arguments: [cert.certID, cert.studentID, cert.studentName, cert.courseID, cert.courseName, cert.issueDate, cert.expiryDate] })
      .endorse();
  }

  async issue(org: string, cert: Certificate): Promise<IssueResult> {
    const r = await this.submit(org, 'IssueCertificate', [cert.certID, cert.studentID, cert.studentName, cert.courseID, cert.courseName, cert.issueDate, cert.expiryDate]);
    return r.ok ? { ok: true, ...(r.txID !== undefined ? { txID: r.txID } : {}), ...(r.block !== undefined ? { block: r.block } : {}) } : { ok: false, ...(r.txID !== undefined ? { txID: r.txID } : {}), error: r.error ?? 'failed' };
  }

  async revoke(org: string, certID: string): Promise<OkResult> {
    const r = await this.submit(org, 'RevokeCertificate', [certID]);
    return r.ok ? { ok: true } : { ok: false, error: r.error ?? 'failed' };
  }

  async verify(org: string, certID: string): Promise<VerifyResult> {
    try {
      const bytes = await this.contract(org).evaluateTransaction('VerifyCertificate', certID);
      const v = JSON.parse(Buffer.from(bytes).toString('utf8')) as { status: VerifyStatus; certificate?: Certificate & { revoked?: boolean } };
      if (v.certificate === undefined) return { status: v.status };
      const c = v.certificate;
      return {
        status: v.status,
        certificate: {
          certID: c.certID,
          studentID: c.studentID,
          studentName: c.studentName,
          courseID: c.courseID,
          courseName: c.courseName,
          issueDate: c.issueDate,
          expiryDate: c.expiryDate,
          revoked: c.revoked === true,
        },
      };
    } catch (e) {
      return { status: 'NOT_FOUND', error: chaincodeMessage(e) ?? gatewayErrorText(e) };
    }
  }

  close(): void {
    for (const g of this.open.values()) {
      g.gateway.close();
      g.client.close();
    }
    this.open.clear();
  }
}
