/** `oc logs --since-time`: a poll reads only what is new, and logs() still answers the whole log. */
import { describe, expect, test } from 'vitest';
import { appendNewLogLines } from '../../src/live/cluster.ts';
import { parseLogText } from '../../src/shared/node-output.ts';
import { LOG_CATALOG } from '../../src/sim/logs/catalog.ts';
import { LogParser } from '../../src/shared/log-format.ts';

const parser = new LogParser(LOG_CATALOG);
const T0 = Date.UTC(2025, 2, 4, 9, 16, 0);
const line = (t: string, id: string, msg: string): string => `2025-03-04 09:16:${t} UTC ${id} INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number ${msg}, sequence 8, and decisions 0 channel=mychannel`;
const parse = (lines: string[]): ReturnType<typeof parseLogText> => parseLogText(lines.join('\n'), 'orderer.org3', T0, parser);

describe('incremental oc logs reads', () => {
  test('the overlap read again (same time stamps) is dropped; lines after it are appended once, in order', () => {
    const first = parse([line('05.100', '0001', '1'), line('05.900', '0002', '2'), line('06.000', '0003', '3')]);
    // Read from LOG_OVERLAP_MS (1s) before the last line: 05.100 is outside, 05.900 and 06.000 come again.
    const again = parse([line('05.900', '0002', '2'), line('06.000', '0003', '3'), line('06.000', '0004', '4'), line('07.500', '0005', '5')]);
    const merged = appendNewLogLines(first, again);
    expect(merged.map((l) => l.args?.[0])).toEqual([1, 2, 3, 4, 5]);
    // A read that brings nothing new changes nothing.
    expect(appendNewLogLines(merged, parse([line('07.500', '0005', '5')]))).toEqual(merged);
  });

  test('with nothing read yet, the fresh read is the log', () => {
    const fresh = parse([line('05.100', '0001', '1')]);
    expect(appendNewLogLines([], fresh)).toEqual(fresh);
  });
});
