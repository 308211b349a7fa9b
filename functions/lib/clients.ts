import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/*
 * One client per process, created on first use and reused across invocations.
 * The endpoint comes from AWS_ENDPOINT_URL when set (LocalStack), so handler
 * code is the same on every target. The embedded cloud runs many functions in
 * one process, each with its own credentials: it binds their clients for the
 * duration of an invocation with `withClients`.
 */
export interface Clients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly events: EventBridgeClient;
}

const scoped = new AsyncLocalStorage<Clients>();
let defaults: Clients | undefined;

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function defaultClients(): Clients {
  defaults ??= { dynamo: documentClient(new DynamoDBClient({})), events: new EventBridgeClient({}) };
  return defaults;
}

export function dynamo(): DynamoDBDocumentClient {
  return (scoped.getStore() ?? defaultClients()).dynamo;
}

export function events(): EventBridgeClient {
  return (scoped.getStore() ?? defaultClients()).events;
}

export function withClients<T>(clients: Clients, fn: () => Promise<T>): Promise<T> {
  return scoped.run(clients, fn);
}
