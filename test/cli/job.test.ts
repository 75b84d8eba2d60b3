/**
 * `sweep --emit-job`: the manifest is a Kubernetes batch/v1 Indexed Job. The checks are
 * the Job schema's required fields and types (from the batch/v1 OpenAPI: JobSpec,
 * PodTemplateSpec, Container, EnvVar), written with zod, and the pods' command is the
 * sweep as a shard of N with K = JOB_COMPLETION_INDEX.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main } from '../../src/cli/main.ts';
import { testEnv } from './env.ts';

const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const Quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/);
const EnvVar = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string().min(1) }) }).optional(),
});
const Container = z.object({
  name: Name,
  image: z.string().min(1),
  command: z.array(z.string()).min(1),
  args: z.array(z.string()),
  env: z.array(EnvVar),
  resources: z.strictObject({ requests: z.record(z.string(), Quantity), limits: z.record(z.string(), Quantity) }).optional(),
  volumeMounts: z.array(z.strictObject({ name: Name, mountPath: z.string().startsWith('/') })).optional(),
  securityContext: z.object({ runAsNonRoot: z.boolean(), allowPrivilegeEscalation: z.boolean() }).optional(),
});
const JobSchema = z.strictObject({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('Job'),
  metadata: z.object({ name: Name, labels: z.record(z.string(), z.string()).optional() }),
  spec: z.strictObject({
    completionMode: z.literal('Indexed'),
    completions: z.number().int().positive(),
    parallelism: z.number().int().positive(),
    backoffLimit: z.number().int().nonnegative().optional(),
    template: z.strictObject({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }).optional(),
      spec: z.strictObject({
        restartPolicy: z.enum(['Never', 'OnFailure']),
        containers: z.array(Container).min(1),
        volumes: z.array(z.strictObject({ name: Name, persistentVolumeClaim: z.strictObject({ claimName: z.string().min(1) }) })).optional(),
      }),
    }),
  }),
});

async function emit(extra: string[]) {
  const env = testEnv();
  const code = await main(['sweep', 'kill-orderer', '--seeds', '1..100', '--orderers', '4,7,10', '--emit-job', '--image', 'quay.io/example/fabric-bft-sim:0.1.0', ...extra], env);
  expect(code, env.err()).toBe(0);
  return { text: env.out(), job: JobSchema.parse(parse(env.out())) };
}

describe('sweep --emit-job', () => {
  it('prints a batch/v1 Indexed Job: N pods, each shard JOB_COMPLETION_INDEX of N, on the given image, results on stdout', async () => {
    const { job } = await emit(['--shards', '10']);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 10, parallelism: 10 });
    const c = job.spec.template.spec.containers[0];
    expect(c?.image).toBe('quay.io/example/fabric-bft-sim:0.1.0');
    expect(c?.command).toEqual(['fabric-bft-sim']);
    expect(c?.args).toEqual(['sweep', 'kill-orderer', '--seeds', '1..100', '--orderers', '4,7,10', '--shard', '$(JOB_COMPLETION_INDEX)/10', '--workers', '1', '--json', '--exit-zero']);
    expect(c?.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    expect(job.metadata.name).toBe('fabric-bft-sim-sweep-kill-orderer');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The schema is strict enough to refuse a Job that is not Indexed or restarts Always.
    const bad = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { completions: 2, parallelism: 2, template: { spec: { restartPolicy: 'Always', containers: [] } } } };
    expect(JobSchema.safeParse(bad).success).toBe(false);
  });

  it('--results-pvc: each pod writes /results/shard-K.json on the claim; --workers sets threads and the CPU request', async () => {
    const { job } = await emit(['--shards', '4', '--results-pvc', 'sweep-results', '--workers', '2']);
    const pod = job.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: 'sweep-results' } }]);
    expect(pod.containers[0]?.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(pod.containers[0]?.args.slice(-6)).toEqual(['--workers', '2', '--json', '--exit-zero', '--out', '/results/shard-$(JOB_COMPLETION_INDEX).json']);
    expect(pod.containers[0]?.resources?.requests['cpu']).toBe('2');
  });

});
