/**
 * `run --trace` writes a versioned trace file and `report` draws it: the real commands on
 * the real model. The page from the file is the page `run --report` writes, byte for byte;
 * a file of another version is one line and exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { processEnv } from '../../src/cli/io.ts';
import { simTarget } from '../../src/cli/targets.ts';
import { parseTraceFile, TRACE_VERSION, type FaultRecord, type StepRecord } from '../../src/shared/trace-format.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { ...processEnv(), stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), target: async () => simTarget() };
  const code = await main(argv, env);
  return { code, out, err };
}

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
