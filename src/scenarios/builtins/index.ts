/** The built-in scenarios, in the order `fabric-bft-sim scenarios` lists them. */
import type { BuiltinScenario } from './builtin.ts';
import { beyondF } from './beyond-f.ts';
import { byzantineLeader } from './byzantine-leader.ts';
import { couchdbRebuild } from './couchdb-rebuild.ts';
import { endorsementAvailability } from './endorsement-availability.ts';
import { gossipStraggler } from './gossip-straggler.ts';
import { killOrderer } from './kill-orderer.ts';
import { leaderCrash } from './leader-crash.ts';
import { partitionedLeader } from './partitioned-leader.ts';
import { peerRecovery } from './peer-recovery.ts';
import { rollingRestart } from './rolling-restart.ts';
import { SMARTBFT_STORIES } from './smartbft-stories.ts';

export { BuiltinParamError, type BuiltinParams, type BuiltinScenario } from './builtin.ts';

export const BUILTINS: readonly BuiltinScenario[] = [
  killOrderer,
  peerRecovery,
  couchdbRebuild,
  leaderCrash,
  beyondF,
  byzantineLeader,
  partitionedLeader,
  rollingRestart,
  endorsementAvailability,
  gossipStraggler,
];

/** The lab's three demos, in the lab's order. */
export const LAB_SCENARIOS: readonly BuiltinScenario[] = BUILTINS.filter((b) => b.lab);

export { SMARTBFT_STORIES };

/** A built-in by name: the lab's list, then SmartBFT's test stories (`smartbft.TestBasic`, ...). */
export function findBuiltin(name: string): BuiltinScenario | undefined {
  return BUILTINS.find((b) => b.name === name) ?? SMARTBFT_STORIES.find((b) => b.name === name);
}
