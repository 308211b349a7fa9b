/**
 * Loads each subscription's handler module as its own module instance (a
 * distinct URL per subscription), with the environment Lambda would give it
 * set while the module initialises, so module-scope configuration
 * (`requireEnv('TABLE_NAME')`) reads that subscription's values.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';

export async function loadHandler<H extends (...args: never[]) => unknown>(repoRoot: string, modulePath: string, subscription: string, env: Record<string, string>): Promise<H> {
  // The configuration is part of the URL: a handler re-pointed at another table is a fresh module instance.
  const config = createHash('sha1').update(JSON.stringify(env)).digest('hex').slice(0, 12);
  const url = `${pathToFileURL(path.join(repoRoot, modulePath)).href}?subscription=${encodeURIComponent(subscription)}&config=${config}`;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const module = (await import(url)) as { handler?: H };
    if (typeof module.handler !== 'function') throw new Error(`${modulePath} does not export a handler function`);
    return module.handler;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
