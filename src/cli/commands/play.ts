/**
 * `fabric-bft-sim play [--port N] [--seed N] [--orderers N] [--out FILE.html]`: the
 * SmartBFT playground. Serves one self-contained page on 127.0.0.1 (the simulator runs in
 * the browser) until Ctrl-C, or with --out writes that page as a static file and exits.
 */
import { num, parseArgs, str } from '../args.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { checkOutputFile, writeOutput } from '../output.ts';

export const PLAY_HELP = `Usage: fabric-bft-sim play [--port N] [--seed N] [--orderers N] [--out FILE.html]

The SmartBFT playground: the orderers on a ring, the messages between them by phase,
each node's view, leader, sequence, WAL and timers. Click an orderer to crash or
restart it, make one Byzantine from its menu, submit requests, pause, step one event,
step back, change speed. The address holds seed, n and every action with its moment:
a copied link replays the same run. The simulator runs in the page; nothing is loaded
from the network.

Options:
  --port N        port on 127.0.0.1 (default 0: any free port; the URL is printed)
  --seed N        seed of a fresh run (default 1; a link's own seed wins)
  --orderers N    orderers of a fresh run, 1 to 16 (default 4)
  --out FILE      write the page as one static HTML file instead of serving it

Ctrl-C stops the server.
`;

export async function playCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs('play', argv, {
    port: { type: 'int', min: 0, max: 65535 },
    seed: { type: 'int', min: 0, max: 0xffffffff },
    orderers: { type: 'int', min: 1, max: 16 },
    out: { type: 'string', placeholder: 'a file name (.html)' },
  });
  if (p.help) {
    env.stdout(PLAY_HELP);
    return 0;
  }
  if (p.positionals.length > 0) throw new UsageError(`play: takes no arguments, got "${p.positionals[0] ?? ''}"`);
  const out = str(p, 'out');
  if (out !== undefined && num(p, 'port') !== undefined) throw new UsageError('play: --out writes a file and --port serves it: give one of them');
  if (out !== undefined) checkOutputFile(env, 'play', 'out', out);
  const { renderPlayPage } = await import('../../play/html.ts');
  const html = await renderPlayPage({ seed: num(p, 'seed') ?? 1, n: num(p, 'orderers') ?? 4 });
  if (out !== undefined) {
    writeOutput(env, 'play', 'out', out, html);
    env.stdout(`Playground written to ${out} (${Math.round(html.length / 1024)} KiB, self-contained: open it in a browser)\n`);
    return 0;
  }
  const { startPlayServer } = await import('../../play/server.ts');
  let server;
  try {
    server = await startPlayServer(html, num(p, 'port') ?? 0);
  } catch (e) {
    throw new UsageError(`play: ${(e as Error).message}`);
  }
  env.stdout(`SmartBFT playground on ${server.url}\nCtrl-C stops it.\n`);
  await new Promise<void>((resolveP) => {
    const stop = (): void => {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, stop);
      resolveP();
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, stop);
  });
  await server.close();
  return 0;
}
