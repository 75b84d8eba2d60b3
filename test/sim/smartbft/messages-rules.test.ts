/**
 * The consenter's messages as the trace shows them (messages.ts `describeMessage`, the line
 * in a trace viewer, and `messageFields`, the fields trace readers and the report filter on).
 */
import { describe, expect, it } from 'vitest';
import { describeMessage, messageFields, type BftMessage } from '../../../src/sim/smartbft/messages.ts';

const proposal = { header: 'h', payload: [], metadata: { viewId: 1, latestSequence: 3, decisionsInView: 0 }, digest: 'dd' };
const vd = (nextView: number) => ({ viewData: { nextView } });
const m = (x: Record<string, unknown>): BftMessage => x as unknown as BftMessage;
const req = { clientId: 'c', reqId: 'r1', size: 1, payload: null };

const CASES: [BftMessage, string, Record<string, unknown>][] = [
  [m({ type: 'PrePrepare', view: 1, seq: 3, proposal }), 'PrePrepare v1 s3', { type: 'PrePrepare', view: 1, seq: 3 }],
  [m({ type: 'PrePrepare', view: 1, seq: 3, proposal, showDigest: true }), 'PrePrepare v1 s3 #dd', { type: 'PrePrepare', view: 1, seq: 3, digest: 'dd' }],
  [m({ type: 'Prepare', view: 1, seq: 3, digest: 'dd', assist: false }), 'Prepare v1 s3', { type: 'Prepare', view: 1, seq: 3 }],
  [m({ type: 'Commit', view: 1, seq: 3, digest: 'dd', assist: true, showDigest: true }), 'Commit v1 s3 assist #dd', { type: 'Commit', view: 1, seq: 3, digest: 'dd', flags: ['assist'] }],
  [m({ type: 'ViewChange', nextView: 2, reason: 'x' }), 'ViewChange nv2', { type: 'ViewChange', view: 2 }],
  [m({ type: 'ViewData', signed: vd(4) }), 'ViewData nv4', { type: 'ViewData', view: 4 }],
  [m({ type: 'NewView', signedViewData: [vd(5)] }), 'NewView nv5', { type: 'NewView', view: 5 }],
  [m({ type: 'NewView', signedViewData: [] }), 'NewView nv?', { type: 'NewView' }],
  [m({ type: 'HeartBeat', view: 6, seq: 7 }), 'HeartBeat v6 s7', { type: 'HeartBeat', view: 6, seq: 7 }],
  [m({ type: 'HeartBeatResponse', view: 8 }), 'HeartBeatResponse v8', { type: 'HeartBeatResponse', view: 8 }],
  [m({ type: 'StateTransferResponse', viewNum: 9, sequence: 10 }), 'StateTransferResponse v9 s10', { type: 'StateTransferResponse', view: 9, seq: 10 }],
  [m({ type: 'StateTransferRequest' }), 'StateTransferRequest', { type: 'StateTransferRequest' }],
  [m({ type: 'Submit', request: req }), 'Submit c:r1', { type: 'Submit' }],
  [m({ type: 'FwdRequest', request: req }), 'FwdRequest c:r1', { type: 'FwdRequest' }],
  [m({ type: 'HeightRequest', syncId: 1 }), 'HeightRequest', { type: 'HeightRequest' }],
  [m({ type: 'HeightResponse', syncId: 1, height: 11 }), 'HeightResponse h11', { type: 'HeightResponse' }],
  [m({ type: 'BlockRequest', syncId: 1, fromSeq: 2, toSeq: 5 }), 'BlockRequest 2-5', { type: 'BlockRequest' }],
  [m({ type: 'BlockResponse', syncId: 1, decisions: [1, 2, 3] }), 'BlockResponse x3', { type: 'BlockResponse' }],
];

describe('describeMessage and messageFields', () => {
  it.each(CASES.map(([msg, line, fields]) => ({ msg, line, fields, name: line })))('$name', ({ msg, line, fields }) => {
    expect(describeMessage(msg)).toBe(line);
    expect(messageFields(msg)).toStrictEqual(fields);
  });
});

describe('describeMessage keeps the last description of each kind of vote', () => {
  const vote = (type: 'Prepare' | 'Commit', view: number, seq: number, assist: boolean, showDigest?: true): BftMessage =>
    m({ type, view, seq, digest: 'dd', assist, ...(showDigest === true ? { showDigest } : {}) });
  it('the same kind, view and sequence give the same string; any change gives its own text', () => {
    const first = describeMessage(vote('Prepare', 0, 5, false));
    expect(describeMessage(vote('Prepare', 0, 5, false))).toBe(first);
    const lines = [
      [vote('Commit', 0, 5, false), 'Commit v0 s5'],
      [vote('Commit', 0, 5, true), 'Commit v0 s5 assist'],
      [vote('Prepare', 0, 5, true), 'Prepare v0 s5 assist'],
      [vote('Prepare', 0, 6, false), 'Prepare v0 s6'],
      [vote('Prepare', 1, 6, false), 'Prepare v1 s6'],
      [vote('Prepare', 1, 6, false, true), 'Prepare v1 s6 #dd'],
      [vote('Prepare', 1, 6, false), 'Prepare v1 s6'],
      [vote('Commit', 0, 5, false), 'Commit v0 s5'],
      [vote('Commit', 0, 6, true), 'Commit v0 s6 assist'],
      [vote('Prepare', 0, 5, false), 'Prepare v0 s5'],
    ] as const;
    for (const [msg, line] of lines) expect(describeMessage(msg)).toBe(line);
  });
});
