/**
 * Builds a function of the local cloud from its entry module, as Lambda
 * would: the module's `createHandler` (functions/lib/lambda-entry.ts) gets
 * the function's own environment and the SDK settings that reach this cloud
 * in-process as the function's principal. Nothing is read from, or set in,
 * this process's environment, so one module serves many functions.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { AwsClientSettings, HandlerFactory } from '../../functions/lib/lambda-entry.ts';

export async function loadHandler<H extends (...args: never[]) => unknown>(
  repoRoot: string,
  modulePath: string,
  env: Readonly<Record<string, string>>,
  aws: AwsClientSettings,
): Promise<H> {
  const module = (await import(pathToFileURL(path.join(repoRoot, modulePath)).href)) as { createHandler?: HandlerFactory<H> };
  if (typeof module.createHandler !== 'function') throw new Error(`${modulePath} does not export createHandler(deps)`);
  const handler = module.createHandler({ env, aws });
  if (typeof handler !== 'function') throw new Error(`${modulePath}: createHandler did not return a handler function`);
  return handler;
}

interface RequestHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
}

/**
 * The in-process settings of a function that publishes for an agency: its
 * EventBridge calls come as that agency (the bus checks the agency's
 * sources), everything else as the platform (the only principal the local
 * cloud lets call DynamoDB). It stands in for the function's own role until
 * the local cloud runs each function with its role's credentials.
 */
export class PublishingAs implements RequestHandler {
  readonly metadata = { handlerProtocol: 'in-process' };

  constructor(
    private readonly publisher: RequestHandler,
    private readonly platform: RequestHandler,
  ) {}

  handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const target = String(request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '');
    return (target.startsWith('AWSEvents.') ? this.publisher : this.platform).handle(request);
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}
}
