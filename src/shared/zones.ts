/**
 * Zones of a scenario's network (`topology.zones`), in `size`'s vocabulary (src/sizing):
 * zones named `zone1`, `zone2`, ... when given as a count, a round-trip time inside a zone
 * (`rttInZone`, default 1 ms) and across zones (`rttAcrossZones`, default 30 ms), and the
 * loss of a zone as a crash of every node in it. One placement for the three places that
 * need it: the scenario validator, the runner (`stopZone` / `startZone`) and the
 * simulator's network (zone-to-zone latency).
 *
 * - `zones: N`: orderers dealt round-robin over zone1..zoneN in consenter order (as
 *   `size --zones N`); org k's peers in zone (k mod N)+1 (as `size` measures).
 * - `zones: { a: [orderer.techpulse, ...], b: [...] }`: every orderer placed by name; a
 *   peer not named sits in its org's orderer's zone (`orderer.<org>`), or in the first zone
 *   when its org runs no orderer.
 * A peer's CouchDB always sits beside its peer.
 */

/** `size`'s defaults (`--rtt-in-zone 1ms`, `--rtt-across-zones 30ms`). */
export const ZONE_DEFAULTS = { rttInZoneMs: 1, rttAcrossZonesMs: 30 } as const;

/** Most zones a topology may have (as `size --zones`). */
export const MAX_ZONES = 16;

/** A zone name in a scenario file: lower-case letters, digits and dashes. */
export const ZONE_NAME_RE = /^[a-z][a-z0-9-]*$/;

export type ZonesSpec = number | Readonly<Record<string, readonly string[]>>;

/** The nodes of a topology, as the placement needs them. */
export interface ZonedNodes {
  /** Orderer ids in consenter order. */
  readonly orderers: readonly string[];
  readonly orgs: readonly string[];
  readonly peersByOrg: Readonly<Record<string, readonly string[]>>;
  /** A peer's CouchDB (`peer0.techpulse` -> `couchdb.techpulse`). */
  readonly couchdbOf: (peer: string) => string;
}

export interface ZonePlacement {
  /** Zone names in order. */
  readonly zones: readonly string[];
  /** The zone of every orderer and peer. */
  readonly zoneOf: Readonly<Record<string, string>>;
  /** Each zone's nodes in the order they start after a zone loss: CouchDBs, orderers, peers. */
  readonly members: Readonly<Record<string, readonly string[]>>;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a round-trip time as a scenario writes it (`1ms`, `0.5ms`, `2s`; validated before), or the default. */
export function rttMsOf(text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  const m = DURATION.exec(text.trim());
  if (m === null) throw new RangeError(`not a round-trip time: "${text}" (write 1ms, 30ms, ...)`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
}

/** `zone1`, `zone2`, ... for a count. */
export function zoneNames(spec: ZonesSpec): string[] {
  return typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => `zone${i + 1}`) : Object.keys(spec);
}

/** Where every node is. The spec must be valid (the scenario validator checks it first). */
export function zonePlacement(spec: ZonesSpec, t: ZonedNodes): ZonePlacement {
  const zones = zoneNames(spec);
  const zoneOf: Record<string, string> = {};
  if (typeof spec === 'number') {
    t.orderers.forEach((o, i) => (zoneOf[o] = zones[i % zones.length] as string));
    t.orgs.forEach((org, k) => {
      for (const p of t.peersByOrg[org] ?? []) zoneOf[p] = zones[k % zones.length] as string;
    });
  } else {
    for (const z of zones) for (const node of spec[z] ?? []) zoneOf[node] ??= z;
    for (const org of t.orgs) {
      const home = zoneOf[`orderer.${org}`] ?? (zones[0] as string);
      for (const p of t.peersByOrg[org] ?? []) zoneOf[p] ??= home;
    }
  }
  const members: Record<string, string[]> = {};
  for (const z of zones) {
    const peers = t.orgs.flatMap((org) => (t.peersByOrg[org] ?? []).filter((p) => zoneOf[p] === z));
    members[z] = [...peers.map((p) => t.couchdbOf(p)), ...t.orderers.filter((o) => zoneOf[o] === z), ...peers];
  }
  return { zones, zoneOf, members };
}
