/**
 * How every function of the platform is built: a factory that takes what the
 * function needs from outside — its configuration and the settings of the AWS
 * SDK clients it creates — and returns the handler. On Lambda the entry
 * module builds it once, at module scope, from `process.env` and the SDK's
 * defaults; the local cloud builds each function from the same module with
 * the environment the synthesized template gives it and SDK settings that
 * reach the cloud in-process with that function's own role credentials.
 */
import type { HttpHandler } from '@smithy/protocol-http';
import type { AwsCredentialIdentity, RequestSigner } from '@smithy/types';

/** What an SDK v3 client constructor takes from its caller; `{}` on Lambda, where the defaults are right. */
export interface AwsClientSettings {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity;
  readonly requestHandler?: HttpHandler<object>;
  readonly signer?: RequestSigner;
}

export interface HandlerDeps {
  /** The function's environment, as Lambda sets it (the template's `Environment.Variables`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Passed to every SDK client the handler creates. */
  readonly aws: AwsClientSettings;
}

export type HandlerFactory<H> = (deps: HandlerDeps) => H;

/**
 * The Lambda entry point: built from `process.env` during the init phase (at
 * module scope, where Lambda runs it before the first event) when the module
 * runs on Lambda; elsewhere on first call, so importing an entry module for
 * its factory never reads the importing process's environment.
 */
export function lambdaEntry<E, C, R>(
  create: HandlerFactory<(event: E, context: C) => Promise<R>>,
): (event: E, context: C) => Promise<R> {
  let built = process.env.AWS_LAMBDA_FUNCTION_NAME ? create({ env: process.env, aws: {} }) : undefined;
  return (event, context) => {
    built ??= create({ env: process.env, aws: {} });
    return built(event, context);
  };
}
