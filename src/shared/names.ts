/**
 * Node ids, the lab's vocabulary (DESIGN.md), in one place for the model, the scenarios
 * and the live config:
 *
 * - orderers in consenter order: `orderer.<org>` for each peer org, then
 *   `orderer.ordering`, then `orderer5.ordering`, `orderer6.ordering`, ... (the number is
 *   the consenter id); the leader of view v is consenter (v mod n) + 1;
 * - peers `peer<i>.<org>`; the CouchDB beside peer0 is `couchdb.<org>`, beside peer i
 *   `couchdb<i>.<org>`; each org's API (gateway) `gateway.<org>`;
 * - and the names around them: the chaincode (`certcontract` 1.0), each org's MSP id
 *   (`TechpulseMSP`) and the channel's endorsement policy.
 */

/** The lab's channel. */
export const CHANNEL = 'certchannel';

export const DEFAULT_ORGS: readonly string[] = ['techpulse', 'dataforge', 'org3'];

/** The org of the orderers beyond one per peer org. */
export const ORDERING_ORG = 'ordering';

/** What an org name may look like (it is part of node ids, namespaces and realms). */
export const ORG_NAME_RE = /^[a-z][a-z0-9-]*$/;

/** Ids of the nodes that are deployments on a cluster: orderers, peers, CouchDBs. */
export const DEPLOYED_NODE_ID_RE = /^(orderer\d*|peer\d+|couchdb\d*)\.[a-z][a-z0-9-]*$/;

/** Consenter `consenterId` (1-based) of a network with these peer orgs. */
export function ordererId(consenterId: number, orgs: readonly string[]): { readonly id: string; readonly org: string } {
  if (consenterId <= orgs.length) {
    const org = orgs[consenterId - 1] as string;
    return { id: `orderer.${org}`, org };
  }
  if (consenterId === orgs.length + 1) return { id: `orderer.${ORDERING_ORG}`, org: ORDERING_ORG };
  return { id: `orderer${consenterId}.${ORDERING_ORG}`, org: ORDERING_ORG };
}

/** The ids of n consenters, in consenter order (index 0 is consenter 1). */
export function ordererIds(n: number, orgs: readonly string[]): string[] {
  return Array.from({ length: n }, (_, i) => ordererId(i + 1, orgs).id);
}

export function peerId(org: string, index: number): string {
  return `peer${index}.${org}`;
}

export function couchdbId(org: string, peerIndex: number): string {
  return peerIndex === 0 ? `couchdb.${org}` : `couchdb${peerIndex}.${org}`;
}

export function gatewayId(org: string): string {
  return `gateway.${org}`;
}

/** The lab's chaincode (certcontract) and the version its definition commits. */
export const CHAINCODE = 'certcontract';
export const CHAINCODE_VERSION = '1.0';

/** The channel's endorsement policy, as the lab's configtx writes it. */
export const DEFAULT_POLICY = 'MAJORITY Endorsement';

/** The org's MSP id as the model spells it: `techpulse` -> `TechpulseMSP`. */
export function mspId(org: string): string {
  return `${org.charAt(0).toUpperCase()}${org.slice(1)}MSP`;
}
