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
  /** Print the JSON on stdout instead of the table. */
  readonly json: boolean;
  /** Where the JSON is written (relative to the working directory); '' writes nothing. */
  readonly outputFile: string;
}

export const defaultOptions: BenchOptions = {
  rounds: 25,
  warmupRounds: 3,
  calls: 100_000,
  allocationCalls: 10_000,
  allocationBatches: 5,
  seed: 1,
  json: false,
  outputFile: 'bench/results/overhead.json',
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
                        [--alloc-batches 5] [--seed 1] [--json] [--out bench/results/overhead.json | --out '']`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: { -readonly [Key in keyof BenchOptions]: BenchOptions[Key] } = {
    ...defaultOptions,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--json') {
      options.json = true;
    } else if (flag === '--out') {
      if (index + 1 >= argv.length) throw new TypeError(`--out needs a file name\n${usage}`);
      options.outputFile = argv[++index];
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
