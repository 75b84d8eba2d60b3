/** The real `fabric-bft-sim` command in-process, on the simulator target: its exit code and what it printed. */
import { main } from '../../src/cli/main.ts';
import { processEnv } from '../../src/cli/io.ts';
import { simTarget } from '../../src/cli/targets.ts';

export async function cliOnSim(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { ...processEnv(), stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), target: async () => simTarget() };
  const code = await main(argv, env);
  return { code, out, err };
}
