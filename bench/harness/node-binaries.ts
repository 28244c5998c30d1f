import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from './paths';

export interface NodeBinary {
  readonly path: string;
  /** Its major version: the name of its results file. */
  readonly major: number;
}

/**
 * The node binaries to run the bench under: `--node 22,24` are versions, fetched once and cached
 * by scripts/node-binary.sh (this process's own binary for its own major); an entry with a slash is the path of a binary. None: this process's.
 */
export function resolveNodeBinaries(nodes: readonly string[]): NodeBinary[] {
  if (nodes.length === 0) return [{ path: process.execPath, major: majorOf(process.version) }];
  return nodes.map((node) => {
    // The machine's own Node serves its major version.
    if (node === String(majorOf(process.version))) {
      return { path: process.execPath, major: majorOf(process.version) };
    }
    const path = node.includes('/')
      ? node
      : execFileSync(join(repositoryRoot, 'scripts', 'node-binary.sh'), [node], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        }).trim();
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    return { path, major: majorOf(version) };
  });
}

function majorOf(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}
