// Where the prebuilt `mx` lives and whether it is current. Plain JavaScript:
// infra/bin/mx.mjs reads this before anything else, on every run, so it must
// cost a few file stats, not a TypeScript compiler.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Two levels below the repository root, like infra/cli, so a path the CLI's
 * sources compute from their own location (`../../infra/local/cloud.ts`)
 * means the same from the bundle.
 */
export const BUNDLE_DIR = path.join(REPO_ROOT, 'dist', 'cli');
export const MANIFEST = 'manifest.json';

/**
 * The bundle's entry file if the bundle was built after every source it was
 * built from last changed; undefined when it is missing, unreadable or older
 * than a source (then `mx` runs the sources through tsx instead).
 *
 * @param {string} [dir] the bundle's directory
 * @param {string} [root] what the manifest's source paths are relative to
 * @returns {string | undefined}
 */
export function freshBundleEntry(dir = BUNDLE_DIR, root = REPO_ROOT) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest?.entry !== 'string' || typeof manifest.builtAt !== 'number' || !Array.isArray(manifest.sources))
    return undefined;
  for (const source of manifest.sources) {
    const stat = statSync(path.join(root, source), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > manifest.builtAt) return undefined;
  }
  const entry = path.join(dir, manifest.entry);
  return statSync(entry, { throwIfNoEntry: false }) ? entry : undefined;
}
