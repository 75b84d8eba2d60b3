/**
 * The dependency rule (docs/architecture.md, DESIGN.md "Targets and the dependency rule"),
 * as dependency-cruiser rules. `npm test` runs them (test/architecture/dependencies.test.ts)
 * against the baseline of known violations in .dependency-cruiser-known-violations.json:
 * a new violation fails the suite with the rule's name. After fixing a known one, shrink
 * the baseline: `npx depcruise src --output-type baseline -f .dependency-cruiser-known-violations.json`.
 *
 * Layers, from the bottom up: the kernel (src/sim/kernel); the protocols (src/sim/smartbft,
 * src/sim/raft) over the consensus-neutral words (src/sim/consensus); the Fabric model
 * (src/sim/fabric, src/sim/logs) and the simulated cluster (src/sim/cluster); the scenario
 * language (src/scenarios); the targets live (src/live) and local (src/local); the CLI
 * (src/cli), which alone wires targets together. Leaf modules hold the shared words and
 * everyone may import them. src/io holds what every command shares of the outside world
 * (file reads and writes, the progress line, the command environment's types), for the
 * CLI and the commands outside it (live, local, sizing); the deterministic code never
 * imports it.
 */

/**
 * Leaf modules, the shared words: src/shared (node ids, the certificate, string hashes,
 * the Cluster port's words, the log line format)
 * for everyone, and src/sim/consensus (the words SmartBFT and Raft share). They import
 * nothing of the project but other leaves.
 */
const LEAVES = ['^src/shared/', '^src/sim/consensus/'];

/** The model: everything under src/sim. */
const MODEL = '^src/sim/';

/** What live and local may use of src/sim besides the leaves: the log catalog and formats. */
const LIVE_MAY_USE = '^src/sim/logs/';

module.exports = {
  forbidden: [
    {
      name: 'kernel-knows-no-protocol',
      comment: 'The kernel (src/sim/kernel) knows no protocol, nor anything built on one: it imports only itself and leaf modules.',
      severity: 'error',
      from: { path: '^src/sim/kernel/' },
      to: { path: '^src/', pathNot: ['^src/sim/kernel/', ...LEAVES] },
    },
    {
      name: 'protocols-know-no-fabric',
      comment: 'The protocols (src/sim/smartbft, src/sim/raft) know no Fabric: not src/sim/fabric, the simulated cluster or the log catalog (the log line format, src/shared/log-format.ts, they may use).',
      severity: 'error',
      from: { path: '^src/sim/(smartbft|raft)/' },
      to: { path: ['^src/sim/(fabric|cluster)/', '^src/sim/logs/catalog[.]ts$'] },
    },
    {
      name: 'protocols-know-each-other-not',
      comment: 'SmartBFT and Raft do not import each other: what both use is consensus-neutral and lives in src/sim/consensus.',
      severity: 'error',
      from: { path: '^src/sim/(smartbft|raft)/' },
      to: { path: '^src/sim/(smartbft|raft)/', pathNot: '^src/sim/$1/' },
    },
    {
      name: 'model-knows-no-scenarios',
      comment: 'The model (src/sim, the Fabric model included) knows no scenario language (src/scenarios).',
      severity: 'error',
      from: { path: MODEL },
      to: { path: '^src/scenarios/' },
    },
    {
      name: 'model-knows-no-cli-live-local',
      comment: 'The model (src/sim) knows no CLI, live or local code.',
      severity: 'error',
      from: { path: MODEL },
      to: { path: '^src/(cli|live|local)/' },
    },
    {
      name: 'model-knows-no-tools',
      comment: 'The model (src/sim) knows none of the tools built on it: the report, sizing, the playground, the package index.',
      severity: 'error',
      from: { path: MODEL },
      to: { path: ['^src/(report|sizing|play)/', '^src/index[.]ts$'] },
    },
    {
      name: 'live-local-know-no-sim-internals',
      comment: 'Live and local (src/live, src/local) know no simulator internals: of src/sim they use only src/sim/logs and the leaf modules.',
      severity: 'error',
      from: { path: '^src/(live|local)/' },
      to: { path: MODEL, pathNot: [LIVE_MAY_USE, ...LEAVES] },
    },
    {
      name: 'only-cli-wires-targets',
      comment: 'Only the CLI wires targets together: live and local import neither each other nor the CLI.',
      severity: 'error',
      from: { path: '^src/(live|local)/' },
      to: { path: ['^src/(live|local)/', '^src/cli/'], pathNot: '^src/$1/' },
    },
    {
      name: 'deterministic-code-does-no-io',
      comment: 'The model, the scenario language and the leaf modules (src/sim, src/scenarios, src/shared) do no I/O: they import none of the I/O helpers the commands share (src/io: bounded file reads, atomic writes, the progress line, the command environment).',
      severity: 'error',
      from: { path: ['^src/(sim|scenarios|shared)/'] },
      to: { path: '^src/io/' },
    },
    {
      name: 'scenarios-know-no-targets',
      comment: 'The scenario language (src/scenarios) knows no target or tool above it: not the CLI, live, local, report, sizing or playground.',
      severity: 'error',
      from: { path: '^src/scenarios/' },
      to: { path: ['^src/(cli|live|local|report|sizing|play)/', '^src/index[.]ts$'] },
    },
    {
      name: 'grammar-knows-no-commands',
      comment: 'The command-line grammar (src/args: the parser, the help layout, UsageError) knows no command: it imports only the scenario language\'s duration grammar and suggestions, and leaf modules, so the CLI and the commands outside it (live, local, sizing, report) may all import it.',
      severity: 'error',
      from: { path: '^src/args/' },
      to: { path: '^src/', pathNot: ['^src/args/', '^src/scenarios/(duration|suggest)[.]ts$', ...LEAVES] },
    },
    {
      name: 'leaves-are-leaves',
      comment: 'A leaf module (shared words) imports nothing of the project but other leaves, so everyone may import it.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^src/', pathNot: LEAVES },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No cycles between folders: if folder A imports folder B, nothing in B reaches back into A.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: `import type { Cluster }` is a dependency on the port.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
    exclude: { path: ['^src/.*[.]d[.]ts$'] },
    reporterOptions: {
      text: { highlightFocused: false },
    },
  },
};
