#!/usr/bin/env node
// The `mx` operator CLI. Runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that future releases will need Node 22; this
// project supports Node 20 and newer, and the warning would bury the CLI's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};

register();
await import('../cli/main.ts');
