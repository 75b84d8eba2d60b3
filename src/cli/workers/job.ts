/**
 * `sweep --emit-job`: a Kubernetes Indexed Job (batch/v1) whose N pods each run one shard
 * of the sweep (`--shard $(JOB_COMPLETION_INDEX)/N --json`), for OpenShift or any
 * cluster. Each pod prints its shard's JSON on stdout (`kubectl logs`), or writes it to
 * a volume (`--results-pvc`); `fabric-bft-sim merge` folds the N files into the whole
 * run's result. A pod exits 0 when its shard ran, failed rows or not (`--exit-zero`): a
 * failed row is a result, and a failed pod would be retried to the same result. The container runs as any non-root user with no privileges (OpenShift's
 * restricted-v2 SCC admits it as it is).
 */
import { stringify } from 'yaml';

export interface JobParams {
  readonly name: string;
  readonly image: string;
  /** The sweep's own arguments (scenario and sweep flags), without --shard, --json, --out, --workers. */
  readonly args: readonly string[];
  readonly shards: number;
  /** Worker threads per pod; also the pod's CPU request. */
  readonly workers: number;
  /** A PersistentVolumeClaim mounted at /results, each pod writing shard-<K>.json there; stdout otherwise. */
  readonly resultsPvc?: string;
}

export const RESULTS_DIR = '/results';

/** A DNS-1123 label from a scenario name: `fabric-bft-sim-sweep-kill-orderer`. */
export function jobName(scenario: string): string {
  const base = `fabric-bft-sim-sweep-${scenario.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.replace(/-+/g, '-');
  return base.slice(0, 63).replace(/-+$/, '');
}

export function jobManifest(p: JobParams): Record<string, unknown> {
  const index = '$(JOB_COMPLETION_INDEX)';
  const args = ['sweep', ...p.args, '--shard', `${index}/${p.shards}`, '--workers', String(p.workers), '--json', '--exit-zero', ...(p.resultsPvc !== undefined ? ['--out', `${RESULTS_DIR}/shard-${index}.json`] : [])];
  const container: Record<string, unknown> = {
    name: 'sweep',
    image: p.image,
    command: ['fabric-bft-sim'],
    args,
    // Set by the Job controller on Indexed pods; declared so $(JOB_COMPLETION_INDEX) in args expands.
    env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
    resources: { requests: { cpu: String(p.workers), memory: '512Mi' }, limits: { cpu: String(p.workers), memory: '2Gi' } },
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    ...(p.resultsPvc !== undefined ? { volumeMounts: [{ name: 'results', mountPath: RESULTS_DIR }] } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: p.name, labels: { 'app.kubernetes.io/name': 'fabric-bft-sim', 'app.kubernetes.io/component': 'sweep' } },
    spec: {
      completionMode: 'Indexed',
      completions: p.shards,
      parallelism: p.shards,
      backoffLimit: p.shards,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'fabric-bft-sim', 'app.kubernetes.io/component': 'sweep' } },
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          ...(p.resultsPvc !== undefined ? { volumes: [{ name: 'results', persistentVolumeClaim: { claimName: p.resultsPvc } }] } : {}),
        },
      },
    },
  };
}

export function jobYaml(p: JobParams): string {
  return `# fabric-bft-sim sweep as a Kubernetes Indexed Job: ${p.shards} pods, shard K = JOB_COMPLETION_INDEX.\n# Apply it, wait, collect each pod's JSON and fold them: see docs/scale-out.md.\n${stringify(jobManifest(p), { lineWidth: 0 })}`;
}
