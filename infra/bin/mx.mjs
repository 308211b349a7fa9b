#!/usr/bin/env node
// The `mx` operator CLI. Runs the prebuilt bundle (dist/cli, built by `npm ci`'s
// prepare step or `npm run build:cli`) when it is newer than every source it was
// built from; otherwise, or with MX_CLI_FROM_SOURCE=1, the TypeScript sources
// through tsx, which compiles them on each run (slower to start, same CLI).
import { pathToFileURL } from 'node:url';
import { freshBundleEntry } from './cli-bundle.mjs';

// The AWS SDK warns on every start that future releases will need Node 22; this
// project supports Node 20 and newer, and the warning would bury the CLI's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};

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
