/**
 * The model's log vocabulary (issue #15, item 3), without a real network: every catalog
 * template cites the Fabric v3.1.5 or SmartBFT v1.0.1 log call it comes from, at the level
 * that call prints; every line every built-in prints at INFO is such a template with its
 * values as parameters, and none is a line Fabric prints at DEBUG only. `npm run fidelity`
 * compares the same templates with the lines a real network printed.
 */
import { describe, expect, it } from 'vitest';
import { BUILTINS, SMARTBFT_STORIES } from '../../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../../src/scenarios/runner.ts';
import { SCENARIO_BEHAVIOURS, simClusterFor } from '../../../src/scenarios/simulator.ts';
import { LOG_CATALOG, LOG_FORMATS } from '../../../src/sim/logs/catalog.ts';
import { LogParser, type LogFormat } from '../../../src/shared/log-format.ts';
import { compareVocabulary, levelOfCall, parseSource } from '../../../src/sim/logs/vocabulary.ts';
import { RAFT_LOGS } from '../../../src/sim/raft/logs.ts';

const ALL: readonly LogFormat[] = [...LOG_CATALOG, ...RAFT_LOGS];

describe('log templates cite their Go log call', () => {
  it('every template names a file, a line and a logger call', () => {
    const bad = ALL.filter((f) => parseSource(f.source) === undefined).map((f) => f.kind);
    expect(bad).toEqual([]);
  });

  it("each template's level is the level its call prints at", () => {
    const bad = ALL.filter((f) => levelOfCall(parseSource(f.source)?.call ?? '') !== f.level).map((f) => `${f.kind}: ${f.level} but ${f.source ?? ''}`);
    expect(bad).toEqual([]);
  });

  it('kinds are unique', () => {
    expect(new Set(ALL.map((f) => f.kind)).size).toBe(ALL.length);
  });

  it('a rebuild replays blocks at DEBUG except every 1000th (lockbased_txmgr.go CommitLostBlock)', () => {
    expect(LOG_FORMATS.get('lockbasedtxmgr.recommitBlock')?.source).toBe('core/ledger/kvledger/txmgmt/txmgr/lockbased_txmgr.go:614 logger.Infof');
  });
});

describe("every built-in's INFO lines are Fabric's INFO templates", () => {
  const parser = new LogParser(LOG_CATALOG);
  for (const b of [...BUILTINS, ...SMARTBFT_STORIES]) {
    it(b.name, async () => {
      const scenario = b.build({ orderers: Math.max(4, b.minOrderers) });
      const cluster = await simClusterFor(scenario, { seed: 1, keep: { logs: true } });
      const problems: string[] = [];
      let info = 0;
      try {
        await runScenario(scenario, cluster, { seed: 1, behaviours: SCENARIO_BEHAVIOURS });
        for (const node of [...cluster.topology.orderers, ...cluster.topology.peers]) {
          for (const l of cluster.allLogs(node)) {
            if (l.level !== 'INFO') continue;
            info++;
            const fmt = l.kind === undefined ? undefined : LOG_FORMATS.get(l.kind);
            const cited = levelOfCall(parseSource(fmt?.source)?.call ?? '');
            if (fmt === undefined || cited !== 'INFO') {
              problems.push(`${node}: ${l.text} (${fmt?.source ?? 'no template'})`);
              continue;
            }
            // The template with the values as parameters: the line parses back to its format and values
            // (one text, e.g. SmartBFT's "Nothing to restore", may be printed by several functions).
            const back = parser.parse(l.text);
            const again = back?.kind === undefined ? undefined : LOG_FORMATS.get(back.kind);
            if (again?.format !== fmt.format || again.module !== fmt.module || back?.func !== fmt.func || JSON.stringify(back.args?.map(String)) !== JSON.stringify(l.args?.map(String))) problems.push(`${node}: ${l.text} parses as ${back?.kind ?? 'nothing'} from ${back?.func ?? '?'}`);
          }
        }
      } finally {
        await cluster.close();
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(info).toBeGreaterThan(0);
    });
  }
});

describe('compareVocabulary', () => {
  const line = (kind: string, level = 'INFO', func?: string): { kind: string; level: string; module: string; func: string } => {
    const f = LOG_FORMATS.get(kind) as LogFormat;
    return { kind, level, module: f.module, func: func ?? f.func };
  };

  it('same when the real network printed the template at the same level from the same function', () => {
    const rows = compareVocabulary(LOG_FORMATS, [line('smartbft.startView'), line('smartbft.startView')], [line('smartbft.startView')]);
    expect(rows).toEqual([expect.objectContaining({ kind: 'smartbft.startView', model: 2, real: 1, verdict: 'same' })]);
  });

  it('names a template the real network did not print, one printed from another function, and one not compared', () => {
    const rows = compareVocabulary(
      LOG_FORMATS,
      [line('smartbft.startView'), line('smartbft.changeRole'), line('couchdb.created')],
      [line('smartbft.changeRole', 'INFO', 'func1')],
      { 'couchdb.': 'LevelDB here' },
    );
    expect(rows.map((r) => [r.kind, r.verdict, r.why])).toEqual([
      ['couchdb.created', 'not compared', 'LevelDB here'],
      ['smartbft.changeRole', 'differs', 'the real network printed it as INFO [orderer.consensus.smartbft.consensus] func1'],
      ['smartbft.startView', 'not printed by the real network', undefined],
    ]);
  });

  it('a model line Fabric prints at DEBUG only differs, whatever the real logs say', () => {
    const debugOnly = new Map(LOG_FORMATS);
    const f = LOG_FORMATS.get('smartbft.startView') as LogFormat;
    debugOnly.set(f.kind, { ...f, source: 'SmartBFT internal/bft/controller.go:404 c.Logger.Debugf' });
    const rows = compareVocabulary(debugOnly, [line('smartbft.startView')], [line('smartbft.startView')]);
    expect(rows[0]?.verdict).toBe('differs');
    expect(rows[0]?.why).toMatch(/prints it at DEBU/);
  });
});
