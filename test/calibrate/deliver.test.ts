/**
 * figures.deliver: a block's way from the orderers to a peer, read off the real nodes' log
 * timestamps (`parseDeliverSpans`), and the model charging it at the orderer's Deliver
 * service (`ordererDeliverMs`). The model measured the same way must give back the figure.
 */
import { describe, expect, it } from 'vitest';
import { deliverFigure, parseDeliverSpans } from '../../src/calibrate/profile.ts';
import { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { costModelOf, DEFAULT_PROFILE, DELIVER_MODEL_SPAN_MS, type CalibrationProfile } from '../../src/sim/fabric/profile.ts';

const writing = (t: string, n: number): string => `2026-12-03 14:46:52.${t} UTC 0174 INFO [orderer.consensus.smartbft.chain] Deliver -> Delivering proposal, writing block ${n} with 1 transactions and metadata of total size 325 with signatures from [3 4 1] channel=certchannel`;
const validated = (t: string, n: number, ms: number): string => `2026-12-03 14:46:52.${t} UTC 0190 INFO [committer.txvalidator] Validate -> [certchannel] Validated block [${n}] in ${ms}ms`;
const committed = (t: string, n: number): string => `2026-12-03 14:46:52.${t} UTC 0191 INFO [kvledger] commit -> [certchannel] Committed block [${n}] with 1 transaction(s) in 5ms (state_validation=0ms block_and_pvtdata_commit=2ms state_commit=0ms) commitHash=[ab]`;

describe('parseDeliverSpans', () => {
  it("spans from the first orderer's write line to the start of the peer's validation", () => {
    const a = [writing('100', 7), writing('200', 8)].join('\n');
    const b = [writing('096', 7), writing('205', 8)].join('\n');
    // Block 7: written first at .096, validated .112 in 2 ms: started at .110, 14 ms.
    const peer = [validated('112', 7, 2), committed('118', 7), validated('230', 8, 1), committed('236', 8)].join('\n');
    expect(parseDeliverSpans([a, b], peer, 0)).toEqual([
      { block: 7, ms: 14 },
      { block: 8, ms: 29 },
    ]);
    expect(parseDeliverSpans([a, b], peer, 8)).toEqual([{ block: 8, ms: 29 }]);
  });

  it('leaves out a block whose validation waited for the commit of the block before it (within 2 ms of its line), and blocks no orderer wrote', () => {
    const o = [writing('100', 7), writing('102', 8)].join('\n');
    const peer = [validated('112', 7, 2), committed('118', 7), validated('120', 8, 1), committed('126', 8), validated('300', 9, 1)].join('\n');
    expect(parseDeliverSpans([o], peer, 0)).toEqual([{ block: 7, ms: 10 }]);
  });

  it('deliverFigure: nearest-rank p50 and p95 over the blocks, none gives no figure', () => {
    expect(deliverFigure([{ ms: 5 }, { ms: 9 }, { ms: 30 }, { ms: 7 }])).toEqual({ blocks: 4, p50Ms: 7, p95Ms: 30 });
    expect(deliverFigure([])).toBeUndefined();
  });
});

describe('the model charges figures.deliver at the orderers', () => {
  const profileWith = (deliver: CalibrationProfile['figures']['deliver']): CalibrationProfile => {
    const { deliver: _d, ...figures } = DEFAULT_PROFILE.figures;
    return { ...DEFAULT_PROFILE, figures: deliver === undefined ? figures : { ...figures, deliver } };
  };
  /** The model's own logs measured as calibrate measures the real network's. */
  async function modelSpan(p: CalibrationProfile): Promise<number | undefined> {
    const c = await SimCluster.create({ seed: 1, keep: { logs: true }, profile: p });
    const from = (await c.channelInfo('peer0.techpulse')).height;
    for (let i = 0; i < 30; i++) {
      await c.issueCertificate('techpulse', { certID: `DLV-${i}`, studentID: 's@techpulse.demo', studentName: 'A', courseID: 'C', courseName: 'C', issueDate: '2026-01-01', expiryDate: '2028-01-01' });
    }
    const text = async (n: string): Promise<string> => (await c.logs(n)).map((l) => l.text).join('\n');
    const orderers = await Promise.all(['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'].map(text));
    return deliverFigure(parseDeliverSpans(orderers, await text('peer0.techpulse'), from))?.p50Ms;
  }

  it(`with no figure a block is served as soon as it is decided: the span is the link, ${DELIVER_MODEL_SPAN_MS} ms`, async () => {
    expect(costModelOf(profileWith(undefined)).ordererDeliverMs).toBe(0);
    expect(await modelSpan(profileWith(undefined))).toBe(DELIVER_MODEL_SPAN_MS);
  });

  it("with the built-in profile the model's span is the real network's p50", async () => {
    const f = DEFAULT_PROFILE.figures.deliver;
    expect(f).toBeDefined();
    expect(costModelOf(DEFAULT_PROFILE).ordererDeliverMs).toBe((f?.p50Ms ?? 0) - DELIVER_MODEL_SPAN_MS);
    expect(await modelSpan(DEFAULT_PROFILE)).toBe(f?.p50Ms);
    expect(await modelSpan(profileWith({ blocks: 10, p50Ms: 40, p95Ms: 50 }))).toBe(40);
  });
});
