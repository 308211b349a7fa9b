/**
 * The adapter for handler modules that do not yet export `createHandler`
 * (functions/lib/lambda-entry.ts): their exported `handler`, run with the
 * function's SDK clients bound through functions/lib/clients.ts's
 * `withClients`. Delete it once every entry module exports its factory.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient, withClients, type Clients } from '../../functions/lib/clients.ts';
import type { AwsClientSettings } from '../../functions/lib/lambda-entry.ts';
import type { LocalInvocable } from './function-runtime.ts';

export function legacyFunction<H>(
  module: string,
  exports: Record<string, unknown>,
  aws: AwsClientSettings,
): LocalInvocable<H> {
  if (typeof exports.handler !== 'function')
    throw new Error(`${module} exports neither createHandler nor a handler function`);
  const dynamo = new DynamoDBClient(aws);
  const events = new EventBridgeClient(aws);
  const clients: Clients = { dynamo: documentClient(dynamo), events };
  return {
    handler: exports.handler as H,
    scope: (fn) => withClients(clients, fn),
    dispose: () => (dynamo.destroy(), events.destroy()),
  };
}
