/**
 * Runs `task(0 … count-1)` with at most `concurrency` in flight, taking indexes in order. Once
 * `signal` aborts no new index starts (those already running finish); the returned list says
 * which indexes ran. `task` must not throw: per-record failures are values.
 *
 * @example await runPool(10, 4, async (i) => { results[i] = await importOne(i); }) // at most 4 at once
 */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>, signal?: AbortSignal): Promise<boolean[]> {
  const started = Array.from({ length: count }, () => false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && !signal?.aborted) {
      const index = next;
      next += 1;
      started[index] = true;
      await task(index);
    }
  };
  const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
  await Promise.all(Array.from({ length: width }, worker));
  return started;
}
