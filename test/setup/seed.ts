/** Every fast-check property in this worker uses the seed chosen in seed-global.ts. */
import fc from 'fast-check';
import { testSeed } from './test-seed.ts';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: testSeed() });
