/**
 * `run --trace` writes a versioned trace file and `report` draws it: the real commands on
 * the real model. The page from the file is the page `run --report` writes, byte for byte;
 * a file of another version is one line and exit 2. The trace is streamed to the disk as
 * the run goes and the report keeps only the records it reads: both files are, byte for
 * byte, what the whole trace kept in memory gives; a run killed midway leaves no file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { cliOnSim as cli } from './sim-cli.ts';
import { processEnv } from '../../src/cli/io.ts';
import { simTarget } from '../../src/cli/targets.ts';
import { parseTraceFile, traceFileText, TRACE_VERSION, type FaultRecord, type StepRecord, type TraceRecord } from '../../src/shared/trace-format.ts';
import { findBuiltin } from '../../src/scenarios/builtins/index.ts';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../src/scenarios/simulator.ts';
import { describeTopology } from '../../src/scenarios/topology.ts';
import { reportHtml } from '../../src/report/cli.ts';
import type { Spool } from '../../src/io/spool.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('trace file: run --trace, then report', () => {
  const trace = join(dir, 'p.jsonl');
  const direct = join(dir, 'direct.html');
  const fromTrace = join(dir, 'from-trace.html');

  it('partitioned-leader: the header, the typed fault records and the step records', async () => {
    const r = await cli(['run', 'partitioned-leader', '--seed', '1', '--trace', trace, '--report', direct, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { traceHash: string; steps: { name: string; op: string; ok: boolean }[] };
    const { header, records } = parseTraceFile(readFileSync(trace, 'utf8'));
    expect(header).toMatchObject({ version: TRACE_VERSION, scenario: 'partitioned-leader', seed: 1, traceHash: result.traceHash, passed: true, replay: 'fabric-bft-sim run partitioned-leader --seed 1' });
    const faults = records.filter((x): x is FaultRecord => x.k === 'fault');
    expect(faults.map((f) => f.fault)).toEqual(['partition', 'heal']);
    expect(faults[0]).toMatchObject({ fault: 'partition', groups: expect.arrayContaining([['orderer.techpulse']]) });
    const steps = records.filter((x): x is StepRecord => x.k === 'step');
    expect(steps.filter((s) => s.phase === 'start').map((s) => s.name)).toEqual(result.steps.map((s) => s.name));
    expect(steps.filter((s) => s.phase === 'end').map((s) => s.phase === 'end' && s.ok)).toEqual(result.steps.map((s) => s.ok));
    // each step's start comes before its end, and the partition fault lies between the partition step's two
    const partitionStep = steps.find((s) => s.op === 'partition')!;
    const at = (x: object): number => records.indexOf(x as never);
    const end = steps.find((s) => s.phase === 'end' && s.index === partitionStep.index)!;
    expect(at(partitionStep)).toBeLessThan(at(faults[0]!));
    expect(at(faults[0]!)).toBeLessThan(at(end));
    // consensus messages carry their fields
    const prePrepare = records.find((x) => x.k === 'send' && x.msg?.type === 'PrePrepare');
    expect(prePrepare).toMatchObject({ msg: { type: 'PrePrepare', view: expect.any(Number), seq: expect.any(Number) } });
  });

  it('report draws the same page from the file as run --report', async () => {
    const r = await cli(['report', trace, '--out', fromTrace]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^Report: .*from-trace\.html \(partitioned-leader, seed 1: \d+ trace records, \d+ steps\)\n$/);
    expect(readFileSync(fromTrace, 'utf8')).toBe(readFileSync(direct, 'utf8'));
  });

  it('a trace of another version, or a file that is not a trace, is one line and exit 2', async () => {
    const v2 = join(dir, 'v2.jsonl');
    writeFileSync(v2, readFileSync(trace, 'utf8').replace(`"version":${TRACE_VERSION}`, '"version":2'));
    const r = await cli(['report', v2, '--out', join(dir, 'x.html')]);
    expect(r).toEqual({ code: 2, out: '', err: `fabric-bft-sim report: ${v2}: trace format version 2 is not one this build reads (it reads version ${TRACE_VERSION})\n` });
    const plain = join(dir, 'plain.jsonl');
    writeFileSync(plain, readFileSync(trace, 'utf8').split('\n').slice(1).join('\n'));
    const p = await cli(['report', plain, '--out', join(dir, 'x.html')]);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/^fabric-bft-sim report: .*plain\.jsonl: not a trace file: its first line must be the header [^\n]*\n$/);
    const none = await cli(['report', join(dir, 'none.jsonl'), '--out', join(dir, 'x.html')]);
    expect(none).toEqual({ code: 2, out: '', err: `fabric-bft-sim report: ${join(dir, 'none.jsonl')} does not exist\n` });
  });

  it('couchdb-rebuild: CouchDB stop/start, the dropped database and the offline command are fault records with fields', async () => {
    const file = join(dir, 'c.jsonl');
    expect((await cli(['run', 'couchdb-rebuild', '--seed', '1', '--trace', file])).code).toBe(0);
    const faults = parseTraceFile(readFileSync(file, 'utf8')).records.filter((x): x is FaultRecord => x.k === 'fault');
    expect(faults.find((f) => f.fault === 'dropDatabase')).toMatchObject({ node: 'peer0.techpulse', db: 'certchannel_certcontract' });
    expect(faults.find((f) => f.fault === 'offline')).toMatchObject({ node: 'peer0.techpulse', command: 'peer node rebuild-dbs', ok: true });
  });
});

describe('streamed: run --trace and run --report give the files the whole trace in memory gives', () => {
  /** A built-in run in this process with every record kept, as run --trace kept them before it streamed. */
  async function inMemory(name: string, seed: number): Promise<{ result: ScenarioResult; records: TraceRecord[] }> {
    const scenario = findBuiltin(name)!.build({});
    const records: TraceRecord[] = [];
    const cluster = await simClusterFor(scenario, { seed, traceSink: (r) => void records.push(r) });
    try {
      return { result: await runScenario(scenario, cluster, { checks: simChecks, seed }), records };
    } finally {
      await cluster.close();
    }
  }

  it('kill-orderer: the trace file is traceFileText of every record, the report reportHtml of every record', async () => {
    const trace = join(dir, 'k.jsonl');
    const report = join(dir, 'k.html');
    const r = await cli(['run', 'kill-orderer', '--seed', '3', '--trace', trace, '--report', report]);
    expect(r.code).toBe(0);
    const { result, records } = await inMemory('kill-orderer', 3);
    expect(r.out).toContain(`Trace: ${records.length} records written to ${trace}`);
    const replay = 'fabric-bft-sim run kill-orderer --seed 3';
    const { orderers, peers } = describeTopology(findBuiltin('kill-orderer')!.build({}).topology);
    const header = { scenario: result.scenario, seed: 3, replay, orderers, peers, traceHash: result.traceHash!, passed: result.passed, checks: result.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail, ...(c.warning === true ? { warning: true } : {}) })) };
    expect(readFileSync(trace, 'utf8')).toBe(traceFileText(header, records));
    expect(readFileSync(report, 'utf8')).toBe(reportHtml(result, records, { orderers, peers }, replay));
    // and report, reading the streamed file line by line, draws the same page again
    const again = join(dir, 'k-again.html');
    expect((await cli(['report', trace, '--out', again])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(report, 'utf8'));
  }, 60_000);

  it('a trace file in a folder that cannot take it is one line and exit 2, before the run', async () => {
    const r = await cli(['run', 'kill-orderer', '--trace', join(dir, 'no-such-dir', 't.jsonl')]);
    expect(r).toEqual({ code: 2, out: '', err: `fabric-bft-sim run: --trace ${join(dir, 'no-such-dir', 't.jsonl')}: directory ${join(dir, 'no-such-dir')} does not exist\n` });
  });

  it('a disk that fills up during the run: one line, exit 2, no file', async () => {
    const file = join(dir, 'full.jsonl');
    let appended = 0;
    const full: Spool = {
      append: () => void appended++,
      commit: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      discard: () => {},
      lines: () => () => undefined,
    };
    let out = '';
    let err = '';
    const env = { ...processEnv(), spool: () => full, stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), target: async () => simTarget() };
    const code = await main(['run', 'peer-recovery', '--trace', file], env);
    expect({ code, out, err }).toEqual({ code: 2, out: '', err: `fabric-bft-sim run: --trace ${file}: cannot write (no space left)\n` });
    expect(appended).toBeGreaterThan(100);
    expect(readdirSync(dir)).not.toContain('full.jsonl');
  }, 60_000);

  it.runIf(process.platform === 'linux')('a run killed midway (SIGTERM) leaves no trace file, complete or not, and nothing else in the folder', async () => {
    const out = join(dir, 'killed');
    mkdirSync(out);
    const file = join(out, 'r.jsonl');
    const child = spawn(process.execPath, ['bin/fabric-bft-sim.js', 'run', 'rolling-restart', '--trace', file], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, sig) => res(sig)));
    // Wait until the run is writing its trace: the process holds an unlinked spool in the folder with bytes in it.
    const spoolBytes = (): number => {
      try {
        for (const fd of readdirSync(`/proc/${child.pid}/fd`)) {
          const target = readlinkSync(`/proc/${child.pid}/fd/${fd}`);
          if (target.startsWith(join(out, '.fabric-bft-sim.')) && target.endsWith('(deleted)')) return statSync(`/proc/${child.pid}/fd/${fd}`).size;
        }
      } catch {
        // the process is starting or gone
      }
      return 0;
    };
    const deadline = Date.now() + 50_000;
    while (spoolBytes() < 1 << 20 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(spoolBytes()).toBeGreaterThanOrEqual(1 << 20);
    expect(readdirSync(out)).toEqual([]);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(readdirSync(out)).toEqual([]);
  }, 90_000);
});
