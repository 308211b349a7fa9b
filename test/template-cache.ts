/**
 * vitest globalSetup: synthesizes the stack's template once per run (when the
 * sources changed since the cached one), so the test files' clouds read the
 * cache instead of each paying the synthesis.
 */
import '../infra/bin/quiet-sdk-warning.mjs';
import { loadTemplate } from '../infra/local/template/source.ts';

export default async function setup(): Promise<void> {
  await loadTemplate();
}
