/**
 * fabric/chaincode (the real certcontract) beside the model's chaincode
 * (src/sim/fabric/chaincode.ts): the same invocations on the same state give the same
 * outcome, payload, error message and writes. Runs the chaincode's rules (lib/logic.js)
 * without a peer: state is a Map on both sides.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { simulate, type StateReader } from '../../src/sim/fabric/chaincode.ts';
import { DEFAULT_EPOCH_MS } from '../../src/shared/log-format.ts';

const require = createRequire(import.meta.url);
const logic = require('../../fabric/chaincode/lib/logic.js') as {
  invoke: (fn: string, args: readonly string[], io: unknown) => Promise<string>;
  ChaincodeError: new (m: string) => Error;
};

type Outcome = { ok: boolean; payload: string; message: string; writes: [string, string][] };

function modelSide(state: Map<string, string>): (fn: string, args: string[], msp: string, t: number) => Outcome {
  const reader: StateReader = {
    get: (_ns, key) => (state.has(key) ? { value: state.get(key)!, version: { block: 1, tx: 0 } } : undefined),
    query: (_ns, sel) =>
      [...state.keys()]
        .sort()
        .filter((k) => Object.entries(sel).every(([f, v]) => (JSON.parse(state.get(k)!) as Record<string, unknown>)[f] === v))
        .map((key) => ({ key, value: state.get(key)! })),
  };
  return (fn, args, msp, t) => {
    const r = simulate({ chaincode: 'certcontract', fn, args, creatorMsp: msp, timestampMs: t }, reader);
    const writes = r.rwset.flatMap((ns) => ns.writes.map((w) => [w.key, w.value ?? ''] as [string, string]));
    for (const [k, v] of writes) state.set(k, v);
    return { ok: r.status === 200, payload: r.payload, message: r.message, writes };
  };
}

function realSide(state: Map<string, string>): (fn: string, args: string[], msp: string, t: number) => Promise<Outcome> {
  return async (fn, args, msp, t) => {
    const writes: [string, string][] = [];
    const io = {
      creatorMsp: msp,
      timestampMs: DEFAULT_EPOCH_MS + t,
      getState: async (k: string) => state.get(k),
      putState: async (k: string, v: string) => void writes.push([k, v]),
      scan: async () => [...state.keys()].sort().map((key) => ({ key, value: state.get(key)! })),
    };
    try {
      const payload = await logic.invoke(fn, args, io);
      for (const [k, v] of writes) state.set(k, v);
      return { ok: true, payload, message: '', writes };
    } catch (e) {
      expect(e).toBeInstanceOf(logic.ChaincodeError);
      return { ok: false, payload: '', message: (e as Error).message, writes: [] };
    }
  };
}

const cert = ['C-1', 'student01@techpulse.demo', 'Alice Martin', 'FSWD-101', 'Full Stack', '2026-01-15', '2028-01-15'];
const DAY = 86_400_000;

/** [function, args, creator MSP, ms since the lab's epoch] */
const CALLS: [string, string[], string, number][] = [
  ['VerifyCertificate', ['C-1'], 'TechpulseMSP', 0],
  ['GetCertificate', ['C-1'], 'TechpulseMSP', 0],
  ['RevokeCertificate', ['C-1'], 'TechpulseMSP', 0],
  ['IssueCertificate', cert, 'TechpulseMSP', 0],
  ['IssueCertificate', cert, 'DataforgeMSP', 0],
  ['IssueCertificate', cert.slice(0, 6), 'TechpulseMSP', 0],
  ['IssueCertificate', ['  ', ...cert.slice(1)], 'TechpulseMSP', 0],
  ['IssueCertificate', ['C-2', ...cert.slice(1, 5), '2026-02-30', '2028-01-01'], 'TechpulseMSP', 0],
  ['IssueCertificate', ['C-2', ...cert.slice(1, 5), '2026-1-01', '2028-01-01'], 'TechpulseMSP', 0],
  ['IssueCertificate', ['C-2', ...cert.slice(1, 5), '2026-05-01', '2026-04-01'], 'TechpulseMSP', 0],
  ['IssueCertificate', ['C-3', 'student01@techpulse.demo', 'Alice Martin', 'SEC-110', 'Secure Coding', '2025-03-01', '2026-03-01'], 'DataforgeMSP', 0],
  ['IssueCertificate', ['C-4', 'student02@org3.demo', 'Bo', 'X-1', 'X', '2024-02-29', '2026-03-20'], 'Org3MSP', 0],
  ['GetCertificate', ['C-1'], 'Org3MSP', 0],
  ['VerifyCertificate', ['C-1'], 'Org3MSP', 0],
  ['VerifyCertificate', ['C-3'], 'Org3MSP', 0],
  ['VerifyCertificate', ['C-4'], 'Org3MSP', 5 * DAY],
  ['VerifyCertificate', ['C-4'], 'Org3MSP', 7 * DAY],
  ['QueryCertificatesByStudent', ['student01@techpulse.demo'], 'TechpulseMSP', 0],
  ['QueryCertificatesByStudent', ['nobody'], 'TechpulseMSP', 0],
  ['RevokeCertificate', ['C-1'], 'DataforgeMSP', 3 * DAY],
  ['RevokeCertificate', ['C-1'], 'DataforgeMSP', 4 * DAY],
  ['VerifyCertificate', ['C-1'], 'TechpulseMSP', 4 * DAY],
  ['GetCertificate', [], 'TechpulseMSP', 0],
  ['DeleteCertificate', ['C-1'], 'TechpulseMSP', 0],
];

describe('certcontract: real chaincode = model', () => {
  it('gives the same outcome, payload, message and writes for every call', async () => {
    const model = modelSide(new Map());
    const real = realSide(new Map());
    for (const [fn, args, msp, t] of CALLS) {
      const a = model(fn, args, msp, t);
      const b = await real(fn, args, msp, t);
      expect({ call: `${fn}(${args.join(',')})`, ...b }).toEqual({ call: `${fn}(${args.join(',')})`, ...a });
    }
  });

  it('answers an unknown function as the model does', async () => {
    const b = await realSide(new Map())('Nope', [], 'TechpulseMSP', 0);
    expect(b.message).toBe('Function Nope not found in contract certcontract');
  });
});
