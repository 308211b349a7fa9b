/**
 * Imports a function's module as its own module instance (a distinct URL per
 * function and environment), with the environment Lambda would give it set
 * while the module initialises, so module-scope configuration
 * (`requireEnv('TABLE_NAME')`) of modules without `createHandler` reads that
 * function's values. Once every entry module exports its factory, a plain
 * import will do and this goes with ./legacy-handler.ts.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';

/** Imports run one at a time: two functions' environments must never be in `process.env` together. */
let previous: Promise<unknown> = Promise.resolve();

export function importWithEnvironment(
  repoRoot: string,
  modulePath: string,
  functionName: string,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const next = previous.then(
    () => importNow(repoRoot, modulePath, functionName, env),
    () => importNow(repoRoot, modulePath, functionName, env),
  );
  previous = next.catch(() => undefined);
  return next;
}

async function importNow(
  repoRoot: string,
  modulePath: string,
  functionName: string,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  // The configuration is part of the URL: a handler re-pointed at another table is a fresh module instance.
  const config = createHash('sha1').update(JSON.stringify(env)).digest('hex').slice(0, 12);
  const file = pathToFileURL(path.join(repoRoot, modulePath)).href;
  const url = `${file}?function=${encodeURIComponent(functionName)}&config=${config}`;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return (await import(url)) as Record<string, unknown>;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
