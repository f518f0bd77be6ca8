import fc from 'fast-check';

/**
 * One seed for every property of a fuzz run, printed so a failure can be replayed:
 * `SWITCHYARD_FUZZ_SEED=<seed> npm run test:fuzz`. Inside `npm test` the seed is fixed and the
 * runs are few (CI stays fast and deterministic); `npm run test:fuzz` draws a new seed and runs
 * many more cases (SWITCHYARD_FUZZ_RUNS, default 1000).
 */
const fromEnv = process.env.SWITCHYARD_FUZZ_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : 20261123;
const numRuns = Number(process.env.SWITCHYARD_FUZZ_RUNS ?? '60');

fc.configureGlobal({ seed, numRuns });
console.log(`[fuzz] seed=${seed} runs=${numRuns} (replay: SWITCHYARD_FUZZ_SEED=${seed} SWITCHYARD_FUZZ_RUNS=${numRuns})`);

/** The seed and run count of this process, for fuzzers that draw their own cases. */
export const fuzzSettings = { seed, numRuns };
