import * as path from 'node:path';

/** The repository root, for resolving handler modules named in the topology. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
