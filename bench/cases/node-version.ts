/** The major version of the Node running the bench: the peers differ on 20 and on 22+. */
export const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * cockatiel 4, p-retry 9 and opossum 10 need Node 22; cockatiel 3 and p-retry 7 are the last
 * versions that run on Node 20, so they stand in for their successors there.
 */
export const currentPeersAvailable = nodeMajor >= 22;
