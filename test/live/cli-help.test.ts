import { describe, expect, test } from 'vitest';
import { executeOptions, runCompareCommand, runLiveCommand, runServeCertChainCommand, type LiveSetup } from '../../src/live/cli.ts';
import { exampleConfig, cliSimTarget } from './helpers.ts';

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void; target: typeof cliSimTarget } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), target: cliSimTarget } };
}

describe('live, compare and serve --help (promised by "fabric-bft-sim <command> --help")', () => {
  test.each([
    ['live', (argv: string[], io: ReturnType<typeof capture>['io']) => runLiveCommand(argv, io), ['<scenario|file>', '--config', '--yes', '--timeout D', 'default 30m', 'fabric-bft-sim live kill-orderer']],
    ['compare', (argv: string[], io: ReturnType<typeof capture>['io']) => runCompareCommand(argv, io), ['<scenario|file>', '--config', '--report FILE', 'fabric-bft-sim compare kill-orderer']],
    ['serve', (argv: string[], io: ReturnType<typeof capture>['io']) => runServeCertChainCommand(argv, io), ['--port N', 'default 8080', '--speed X', 'default 1', '--orderers N', 'default 4', 'fabric-bft-sim serve --port']],
  ] as const)('%s --help and -h print the usage on stdout and exit 0', async (name, run, mentions) => {
    for (const flag of ['--help', '-h']) {
      const c = capture();
      // Help wins over anything else on the line, even an incomplete or unknown one.
      expect(await run([flag], c.io)).toBe(0);
      const text = c.out.join('');
      expect(text.startsWith(`Usage: fabric-bft-sim ${name}`)).toBe(true);
      for (const m of mentions) expect(text).toContain(m);
      expect(c.err).toEqual([]);
    }
    const c = capture();
    expect(await run(['kill-orderer', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain(`Usage: fabric-bft-sim ${name}`);
  });
});

describe('live and compare run the cluster side with the same options', () => {
  test('executeOptions: executing, the TLS overrides, a certificate-id suffix, the stop signal, progress on stderr', () => {
    const c = capture();
    const ac = new AbortController();
    const setup: LiveSetup = { config: exampleConfig(), configPath: 'c.yaml', scenario: { name: 's', steps: [] }, tls: { insecure: true }, timeoutMs: 1000 };
    const o = executeOptions(setup, ac.signal, c.io);
    expect(o.dryRun).toBe(false);
    expect(o.tls).toEqual({ insecure: true });
    expect(o.signal).toBe(ac.signal);
    expect(o.certIdSuffix).toMatch(/^[0-9a-z]+$/);
    o.onStep?.('$ oc whoami');
    o.onResult?.('✓ 0 step');
    expect(c.err).toEqual(['  $ oc whoami\n', '✓ 0 step\n']);
    expect(c.out).toEqual([]);
  });
});
