#!/usr/bin/env node
// The `mx` operator CLI. Runs the prebuilt bundle (dist/cli, built by `npm ci`'s
// prepare step or `npm run build:cli`) when it is newer than every source it was
// built from; otherwise, or with MX_CLI_FROM_SOURCE=1, the TypeScript sources
// through tsx, which compiles them on each run (slower to start, same CLI).
import { pathToFileURL } from 'node:url';
import { freshBundleEntry } from './cli-bundle.mjs';
import './quiet-sdk-warning.mjs';

const bundle = process.env.MX_CLI_FROM_SOURCE === '1' ? undefined : freshBundleEntry();
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // Read by infra/cli/typescript-modules.ts: the loader is in place, `mx cloud start` need not register it again.
  globalThis[Symbol.for('migration-exchange.tsx-registered')] = true;
  await import('../cli/main.ts');
}
