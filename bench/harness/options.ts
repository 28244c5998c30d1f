/** What a run measures; every field can be set from the command line. */
export interface BenchOptions {
  /** Timed rounds; each case's figure is the median over them. */
  readonly rounds: number;
  /** Untimed rounds first, so every case runs optimised code when timing starts. */
  readonly warmupRounds: number;
  /** Calls per case per round. */
  readonly calls: number;
  /** Calls per allocation batch, and how many batches (the median is kept). */
  readonly allocationCalls: number;
  readonly allocationBatches: number;
  /** Seed of the shuffle of the case order in each round. */
  readonly seed: number;
}

export interface RunOptions extends BenchOptions {
  /** Print the JSON on stdout instead of the tables. */
  readonly json: boolean;
  /**
   * The Node versions to run the compiled bench under: major versions (22, 24) resolved by
   * scripts/node-binary.sh, or paths of node binaries. Empty: the Node running this script.
   */
  readonly nodes: readonly string[];
  /** Where each version's JSON report is written, as node-<major>.json; '' writes none. */
  readonly resultsDirectory: string;
}

export const defaultOptions: RunOptions = {
  rounds: 25,
  warmupRounds: 3,
  calls: 100_000,
  allocationCalls: 10_000,
  allocationBatches: 5,
  seed: 1,
  json: false,
  nodes: [],
  resultsDirectory: 'bench/results',
};

const numericFlags = {
  '--rounds': 'rounds',
  '--warmup': 'warmupRounds',
  '--calls': 'calls',
  '--alloc-calls': 'allocationCalls',
  '--alloc-batches': 'allocationBatches',
  '--seed': 'seed',
} as const;

export const usage = `usage: npm run bench -- [--rounds 25] [--warmup 3] [--calls 100000] [--alloc-calls 10000]
                        [--alloc-batches 5] [--seed 1] [--node 22,24,26 | --node /path/to/node]
                        [--results-dir bench/results | --results-dir ''] [--json]
       npm run bench:matrix   (the same on Node 20, 22, 24 and 26)`;

export function parseOptions(argv: readonly string[]): RunOptions {
  const options: { -readonly [Key in keyof RunOptions]: RunOptions[Key] } = {
    ...defaultOptions,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--json') {
      options.json = true;
    } else if (flag === '--results-dir') {
      if (index + 1 >= argv.length) {
        throw new TypeError(`--results-dir needs a directory\n${usage}`);
      }
      options.resultsDirectory = argv[++index];
    } else if (flag === '--node') {
      const list = argv[++index];
      const nodes = (list ?? '').split(',').map((part) => part.trim());
      if (nodes.some((node) => node === '')) {
        throw new TypeError(`--node needs versions or paths, comma-separated\n${usage}`);
      }
      options.nodes = nodes;
    } else if (Object.hasOwn(numericFlags, flag)) {
      const value = Number(argv[++index]);
      const minimum = flag === '--warmup' ? 0 : 1;
      if (!Number.isInteger(value) || value < minimum) {
        throw new TypeError(`${flag} needs an integer >= ${minimum}\n${usage}`);
      }
      options[numericFlags[flag as keyof typeof numericFlags]] = value;
    } else {
      throw new TypeError(`unknown argument ${JSON.stringify(flag)}\n${usage}`);
    }
  }
  return options;
}

/** The options a group's child process needs. */
export function benchOptionsOf(options: RunOptions): BenchOptions {
  const { rounds, warmupRounds, calls, allocationCalls, allocationBatches, seed } = options;
  return { rounds, warmupRounds, calls, allocationCalls, allocationBatches, seed };
}
