/** An in-process CLI environment for tests: captured output, in-memory files, the fake target. */
import type { CliEnv, SimTarget } from '../../src/cli/io.ts';
import type { Check } from '../../src/scenarios/runner.ts';
import { FakeCluster } from '../scenarios/fake-cluster.ts';

export interface TestEnv extends CliEnv {
  readonly out: () => string;
  readonly err: () => string;
  readonly files: Map<string, string>;
  readonly dirs: Set<string>;
}

export function fakeTarget(checks?: readonly Check[]): SimTarget {
  return {
    create: async (scenario) => new FakeCluster(scenario.topology === undefined ? {} : { topology: scenario.topology }),
    ...(checks !== undefined ? { checks: async () => checks } : {}),
    behaviours: ['silent', 'equivocate', 'censor'],
  };
}

export function testEnv(files: Record<string, string> = {}, target: SimTarget = fakeTarget()): TestEnv {
  let out = '';
  let err = '';
  const map = new Map(Object.entries(files));
  const dirs = new Set<string>();
  let clock = 0;
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readFile: (p) => {
      const t = map.get(p);
      if (t === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
      return t;
    },
    writeFile: (p, t) => void map.set(p, t),
    listDir: (p) => [...new Set([...map.keys()].filter((k) => k.startsWith(`${p}/`)).map((k) => k.slice(p.length + 1).split('/')[0] as string))],
    removeFile: (p) => void map.delete(p),
    mkdir: (p) => void dirs.add(p),
    // The working directory and the folders of given files and made dirs exist; nothing else.
    pathKind: (p) => (map.has(p) ? 'file' : p === '.' || p === '/' || dirs.has(p) || [...map.keys(), ...dirs].some((k) => k.startsWith(`${p}/`)) ? 'dir' : 'missing'),
    canWrite: () => true,
    tty: false,
    stderrTty: false,
    target: async () => target,
    wallMs: () => (clock += 7),
    out: () => out,
    err: () => err,
    files: map,
    dirs,
  };
}
