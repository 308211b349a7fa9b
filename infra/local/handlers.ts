/**
 * Builds a function of the local cloud from its entry module, as Lambda
 * would: the module's `createHandler` (functions/lib/lambda-entry.ts) gets
 * the function's own environment and the SDK settings that reach this cloud
 * in-process as the function's principal. Nothing is read from, or set in,
 * this process's environment, so one module serves many functions.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AwsClientSettings, HandlerFactory } from '../../functions/lib/lambda-entry.ts';

export async function loadHandler<H>(
  repoRoot: string,
  modulePath: string,
  env: Readonly<Record<string, string>>,
  aws: AwsClientSettings,
): Promise<H> {
  const url = pathToFileURL(path.join(repoRoot, modulePath)).href;
  const module = (await import(url)) as { createHandler?: HandlerFactory<H> };
  if (typeof module.createHandler !== 'function') throw new Error(`${modulePath} does not export createHandler(deps)`);
  const handler = module.createHandler({ env, aws });
  if (typeof handler !== 'function') throw new Error(`${modulePath}: createHandler did not return a handler function`);
  return handler;
}
