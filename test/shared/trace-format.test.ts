/** The trace file's layout: a header line naming the format version, then one record per line. */
import { describe, expect, it } from 'vitest';
import { parseTraceFile, traceFileText, TRACE_FORMAT, TRACE_VERSION, type TraceRecord } from '../../src/shared/trace-format.ts';

const records: TraceRecord[] = [
  { t: 0, k: 'step', phase: 'start', index: 1, op: 'partition', name: 'partition o1' },
  { t: 0, k: 'fault', fault: 'partition', groups: [['o1'], ['o2']], text: 'partition [["o1"],["o2"]]' },
  { t: 1, k: 'send', id: 1, from: 'o1', to: 'o2', m: 'Prepare v0 s1', msg: { type: 'Prepare', view: 0, seq: 1 } },
  { t: 1, k: 'drop', id: 1, from: 'o1', to: 'o2', m: 'Prepare v0 s1', reason: 'partition' },
  { t: 1, k: 'step', phase: 'end', index: 1, op: 'partition', name: 'partition o1', ok: true, value: { ok: true }, expected: null, error: null, tookMs: 1 },
];
const header = { scenario: 's', seed: 3, orderers: ['o1', 'o2'], peers: ['p1'] };

describe('trace file', () => {
  it('round-trips: the header names the format and version, the records come back as written', () => {
    const text = traceFileText(header, records);
    expect(JSON.parse(text.split('\n')[0]!)).toEqual({ format: TRACE_FORMAT, version: TRACE_VERSION, ...header });
    expect(parseTraceFile(text)).toEqual({ header: { format: TRACE_FORMAT, version: TRACE_VERSION, ...header }, records });
  });

  it('an unknown version is one line naming both versions', () => {
    const text = traceFileText(header, records).replace(`"version":${TRACE_VERSION}`, '"version":99');
    expect(() => parseTraceFile(text)).toThrow(`trace format version 99 is not one this build reads (it reads version ${TRACE_VERSION})`);
  });

  it('a file without the header (a trace from before the header, or any JSON Lines) is not a trace file', () => {
    const lines = traceFileText(header, records).split('\n').slice(1).join('\n');
    expect(() => parseTraceFile(lines)).toThrow(/^not a trace file: its first line must be the header/);
    expect(() => parseTraceFile('')).toThrow(/^not a trace file/);
    expect(() => parseTraceFile('<html>')).toThrow('line 1 is not JSON');
  });

  it('a line that is not a record names its line number', () => {
    const text = traceFileText(header, records) + '{"t":1,"k":"nonsense"}\n';
    expect(() => parseTraceFile(text)).toThrow('line 7 is not a trace record (it needs a time "t" and a known kind "k")');
    expect(() => parseTraceFile(traceFileText(header, []) + 'nope\n')).toThrow('line 2 is not JSON');
  });
});
