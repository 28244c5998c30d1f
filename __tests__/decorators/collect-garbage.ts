import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// A new context gets the `gc` global that the flag exposes; this worker's own did not.
const gc = runInNewContext('gc') as () => void;

function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Collects what nothing reaches any more, WeakRefs' targets included: a target stays until the
 * task that made or read the WeakRef ends, so the collection waits for the next task.
 */
export async function collectGarbage(): Promise<void> {
  await nextTask();
  gc();
  await nextTask();
}
