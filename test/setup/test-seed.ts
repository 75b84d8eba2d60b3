/** The property-test seed (see seed-global.ts): tests that draw their own seeds derive them from it. */
import { DEFAULT_TEST_SEED } from './seed-global.ts';

export function testSeed(): number {
  const raw = process.env['TEST_SEED'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : DEFAULT_TEST_SEED;
}
