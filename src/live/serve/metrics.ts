/**
 * `/metrics` of the stand-in: Prometheus text with Fabric's metric names, one series per
 * running node, labelled like a Prometheus scrape of the cluster (channel, namespace, pod)
 * so the live adapter's metrics reader works on it unchanged.
 */
import type { Cluster } from '../../scenarios/cluster.ts';
import { deploymentOf } from './deployments.ts';

interface Series {
  readonly name: string;
  readonly help: string;
  readonly rows: string[];
}

export async function metricsText(cluster: Cluster): Promise<string> {
  const t = cluster.topology;
  const mk = (name: string, help: string): Series => ({ name, help, rows: [] });
  const committed = mk('consensus_BFT_committed_block_number', 'The number of the latest committed block.');
  const leaderId = mk('consensus_BFT_leader_id', 'The id of the current leader.');
  const isLeader = mk('consensus_BFT_is_leader', 'The leadership status of the current node according to the latest committed block: 1 if it is the leader else 0.');
  const view = mk('consensus_smartbft_view_number', 'Number of the current view.');
  const height = mk('ledger_blockchain_height', 'Height of the chain in blocks.');
  const labels = (id: string): string => {
    const d = deploymentOf(id);
    return `{channel="${t.channel}",namespace="${d.namespace}",pod="${d.deployment}-sim"}`;
  };
  for (const o of t.orderers) {
    if (!(await cluster.isUp(o))) continue;
    const s = await cluster.ordererStatus(o);
    const l = labels(o);
    committed.rows.push(`${committed.name}${l} ${s.committedBlock}`);
    if (s.leader !== null) {
      leaderId.rows.push(`${leaderId.name}${l} ${t.orderers.indexOf(s.leader) + 1}`);
      isLeader.rows.push(`${isLeader.name}${l} ${s.leader === o ? 1 : 0}`);
    }
    view.rows.push(`${view.name}${l} ${s.view}`);
    height.rows.push(`${height.name}${l} ${s.lastBlock + 1}`);
  }
  for (const p of t.peers) {
    if (!(await cluster.isUp(p))) continue;
    height.rows.push(`${height.name}${labels(p)} ${(await cluster.channelInfo(p)).height}`);
  }
  const out: string[] = [];
  for (const s of [committed, leaderId, isLeader, view, height]) {
    out.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} gauge`, ...s.rows);
  }
  return `${out.join('\n')}\n`;
}
