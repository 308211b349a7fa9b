/**
 * Builds the template's functions for the local cloud: imports the module
 * the template names (`mx:handler-module`) and calls its `createHandler`
 * with the template's environment, resolved, and SDK settings that reach the
 * cloud in-process with the function's own role's keys
 * (functions/lib/lambda-entry.ts).
 */
import type { AwsClientSettings } from '../../functions/lib/lambda-entry.ts';
import { REPO_ROOT } from '../paths.ts';
import { loadHandler } from './handlers.ts';
import type { LocalFunction } from './template/resources/functions.ts';

export interface LocalInvocable<H> {
  readonly handler: H;
  dispose(): void;
}

/** What Lambda's runtime adds to the function's own variables, and what the local cloud sets for its console. */
export function runtimeEnvironment(fn: LocalFunction, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // EMF metrics would only be printed here; the local cloud shows breaches and dead letters itself.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_SERVICE_NAME: fn.name,
  };
}

export async function buildFunction<H>(
  fn: LocalFunction,
  env: Record<string, string>,
  aws: AwsClientSettings,
): Promise<LocalInvocable<H>> {
  const handler = await loadHandler<H>(REPO_ROOT, fn.module, env, aws);
  return { handler, dispose: () => undefined };
}
