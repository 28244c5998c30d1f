// Runs a fleet of instances (examples/fleet/worker.ts, one process each) against a dependency that
// is down, and counts, from the dependency's own log, how many requests the fleet sent: for
// `npm run fleet` and for __tests__/redis/fleet.test.ts.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startHttpServer } from '../servers/http-server';
import type { WorkerReport, WorkerSettings } from './worker';

export interface FleetRun {
  /** Requests the dependency received. */
  readonly requests: number;
  /** Milliseconds from the start signal until every instance had reported. */
  readonly elapsed: number;
  readonly calls: number;
  readonly reports: readonly WorkerReport[];
}

export type FleetSettings = Omit<WorkerSettings, 'url'> & { readonly instances: number };

/**
 * The worker, bundled once into plain JavaScript (the Redis clients left as packages): a process
 * that compiles TypeScript as it loads takes seconds to start on a busy machine.
 */
function bundleWorker(directory: string): string {
  const outfile = join(directory, 'worker.js');
  buildSync({
    entryPoints: [join(__dirname, 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export async function runFleet(settings: FleetSettings): Promise<FleetRun> {
  const server = await startHttpServer();
  // Down (budget mode), or up (rate-limiter mode: what is counted is what the limiters let through).
  server.script('/model', [{ status: settings.limiter === undefined ? 503 : 200 }]);
  // Inside the project, so that the bundle finds the Redis clients in its node_modules.
  const cache = join(__dirname, '..', '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const directory = mkdtempSync(join(cache, 'tenacious-fleet-'));
  try {
    const worker = bundleWorker(directory);
    const workerSettings: WorkerSettings = { ...settings, url: `${server.url}/model` };
    const workers = Array.from({ length: settings.instances }, () =>
      fork(worker, [], {
        execArgv: [],
        env: { ...process.env, TENACIOUS_FLEET_WORKER: JSON.stringify(workerSettings) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const reports = workers.map(
      (worker) =>
        new Promise<WorkerReport>((resolve, reject) => {
          worker.on('message', (message) => {
            if (typeof message === 'object' && message !== null) resolve(message as WorkerReport);
          });
          worker.once('exit', (code) => reject(new Error(`fleet worker exited with ${code}`)));
        }),
    );
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on('message', (message) => message === 'ready' && resolve());
            worker.once('exit', (code) => reject(new Error(`fleet worker exited with ${code}`)));
          }),
      ),
    );
    const started = Date.now();
    for (const worker of workers) worker.send('go');
    const done = await Promise.all(reports);
    const elapsed = Date.now() - started;
    return {
      requests: server.requests('/model').length,
      elapsed,
      calls: done.reduce((sum, report) => sum + report.calls, 0),
      reports: done,
    };
  } finally {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
