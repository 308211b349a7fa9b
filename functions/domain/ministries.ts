/**
 * The four ministries that exchange data on the platform: the ids their
 * credentials, roles, views and query APIs are named by. Domain, not
 * deployment: the topology (infra/topology.ts) builds on it.
 */
export type Ministry = 'interior' | 'labour' | 'foreign-affairs' | 'border-service';
export const MINISTRIES: readonly Ministry[] = ['interior', 'labour', 'foreign-affairs', 'border-service'];
