/**
 * `fabric-bft-sim play [--port N] [--seed N] [--orderers N] [--out FILE.html]`: the
 * SmartBFT playground. Serves one self-contained page on 127.0.0.1 (the simulator runs in
 * the browser) until Ctrl-C, or with --out writes that page as a static file and exits.
 */
import { bool, num, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { checkOutputFile, writeOutput } from '../output.ts';

export const PLAY_SPEC: CommandSpec = {
  name: 'play',
  usage: ['[options]'],
  description: `The SmartBFT playground: the orderers on a ring, the messages between them by phase, each node's view, leader, sequence, WAL and timers. Click an orderer to crash or restart it, make one Byzantine from its menu, submit requests, pause, step one event, step back, change speed. The address holds seed, n and every action with its moment: a copied link replays the same run. The simulator runs in the page; nothing is loaded from the network. Served on 127.0.0.1 until Ctrl-C, or written as one static file with --out.`,
  flags: {
    port: { type: 'int', min: 0, max: 65535, help: 'port on 127.0.0.1; 0 is any free port (the URL is printed)', default: '0' },
    seed: { type: 'int', min: 0, max: 0xffffffff, help: "seed of a fresh run (a link's own seed wins)", default: '1' },
    orderers: { type: 'int', min: 1, max: 16, help: 'orderers of a fresh run', default: '4' },
    out: { type: 'string', value: 'FILE.html', expects: 'a file name (.html)', help: 'write the page as one static HTML file instead of serving it' },
    json: { type: 'bool', help: 'print where the page is (the URL, or the file and its size) as JSON' },
  },
  examples: ['fabric-bft-sim play', 'fabric-bft-sim play --orderers 7 --seed 3 --port 8080', 'fabric-bft-sim play --out playground.html'],
};

export async function playCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(PLAY_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(PLAY_SPEC));
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
    if (bool(p, 'json')) env.stdout(`${JSON.stringify({ file: out, bytes: Buffer.byteLength(html) }, null, 2)}\n`);
    else env.stdout(`Playground written to ${out} (${Math.round(html.length / 1024)} KiB, self-contained: open it in a browser)\n`);
    return 0;
  }
  const { startPlayServer } = await import('../../play/server.ts');
  let server;
  try {
    server = await startPlayServer(html, num(p, 'port') ?? 0);
  } catch (e) {
    throw new UsageError(`play: ${(e as Error).message}`);
  }
  if (bool(p, 'json')) env.stdout(`${JSON.stringify({ url: server.url }, null, 2)}\n`);
  else env.stdout(`SmartBFT playground on ${server.url}\nCtrl-C stops it.\n`);
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
