import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/*
 * One client per module scope, reused across invocations. The endpoint comes
 * from AWS_ENDPOINT_URL when set (LocalStack, the embedded cloud), so handler
 * code is the same on every target.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let eventBridge: EventBridgeClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function events(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({});
  return eventBridge;
}

/** Lets the embedded cloud hand in clients bound to its own endpoint and credentials. */
export function useClients(clients: { dynamo?: DynamoDBDocumentClient; events?: EventBridgeClient }): void {
  if (clients.dynamo) documentClient = clients.dynamo;
  if (clients.events) eventBridge = clients.events;
}
