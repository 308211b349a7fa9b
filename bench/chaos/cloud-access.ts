/**
 * How the chaos scenarios talk to a cloud: only over its port, with the keys
 * its data dir holds, as any client would (real SDK clients, SigV4-signed
 * API calls). A cloud in this process or in a child process looks the same.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetterSummary } from '../../functions/exchange-api/dead-letters.ts';
import { documentClient } from '../../functions/lib/document-client.ts';
import { mapConcurrent } from '../../functions/lib/limit.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { CloudCredentials, KeyPair } from '../../infra/local/credentials.ts';
import { cloudHealth } from '../../infra/local/health-client.ts';
import type { Ministry } from '../../infra/topology.ts';
import type { ChaosEvent } from './events.ts';

export interface CloudAccess {
  readonly endpoint: string;
  readonly credentials: CloudCredentials;
}

const sdkConfig = (access: CloudAccess, keys: KeyPair) => ({
  endpoint: access.endpoint,
  region: access.credentials.region,
  credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
  // A chaos figure counts what happened to each call; the SDK's own retries would hide it.
  maxAttempts: 1,
});

export const eventsClient = (access: CloudAccess, keys: KeyPair) => new EventBridgeClient(sdkConfig(access, keys));

/** A DynamoDB document client with the platform's keys (only the platform may call DynamoDB). */
export function platformDynamo(access: CloudAccess): { doc: DynamoDBDocumentClient; destroy(): void } {
  const client = new DynamoDBClient({ ...sdkConfig(access, access.credentials.platform), maxAttempts: 5 });
  return { doc: documentClient(client), destroy: () => client.destroy() };
}

/** Every item of a table (a Scan: the chaos bench's own audit, never a request path). */
export async function scanTable(doc: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

interface Health {
  readonly pending: number;
  readonly deadLetters: number;
}

export const health = (access: CloudAccess) => cloudHealth<Health>(access.endpoint, access.credentials);

/**
 * Waits until nothing is queued or in flight (twice in a row, a moment
 * apart: a delivery may publish reactions). False if that did not happen in
 * time.
 */
export async function settle(access: CloudAccess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietPolls = 0;
  while (Date.now() < deadline) {
    const state = await health(access);
    quietPolls = state?.pending === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** A signed API call; the body is parsed when it is JSON. */
export async function apiCall(
  access: CloudAccess,
  keys: KeyPair,
  resource: string,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: unknown }> {
  const response = await signedFetch(`${access.endpoint}${resource}`, {
    keys,
    region: access.credentials.region,
    method,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: kept as text, which is what a finding should show.
  }
  return { status: response.status, body: parsed };
}

/** Every dead letter the platform can see (the console's exchange API). */
export async function deadLetters(access: CloudAccess): Promise<DeadLetterSummary[]> {
  const { status, body } = await apiCall(access, access.credentials.platform, '/api/exchange/dead-letters');
  if (status !== 200) throw new Error(`listing dead letters answered ${status}: ${JSON.stringify(body)}`);
  return (body as { deadLetters: DeadLetterSummary[] }).deadLetters;
}

export async function redrive(access: CloudAccess, queue: string): Promise<number> {
  const { status, body } = await apiCall(
    access,
    access.credentials.platform,
    `/api/exchange/dead-letters/redrive?queue=${encodeURIComponent(queue)}`,
    'POST',
  );
  if (status !== 200) throw new Error(`redriving ${queue} answered ${status}: ${JSON.stringify(body)}`);
  return (body as { redriven: number }).redriven;
}

export interface Published {
  /** The events each PutEvents acknowledged, with the bus id it gave them. */
  readonly acknowledged: { event: ChaosEvent; busId: string }[];
  /** Entries PutEvents refused, with its error code. */
  readonly refused: { event: ChaosEvent; code: string }[];
}

/**
 * Publishes events in the given order as each one's agency (PutEvents
 * batches of up to ten consecutive events of one agency), `concurrency`
 * batches at a time.
 */
export async function publishAll(
  access: CloudAccess,
  events: readonly ChaosEvent[],
  concurrency: number,
): Promise<Published> {
  const batches: ChaosEvent[][] = [];
  for (const event of events) {
    const last = batches[batches.length - 1];
    if (last && last.length < 10 && last[0]!.agency === event.agency) last.push(event);
    else batches.push([event]);
  }
  const clients = new Map<Ministry, EventBridgeClient>();
  const clientOf = (agency: Ministry) => {
    if (!clients.has(agency)) clients.set(agency, eventsClient(access, access.credentials.agencies[agency]));
    return clients.get(agency)!;
  };
  const published: Published = { acknowledged: [], refused: [] };
  try {
    await mapConcurrent(batches, concurrency, async (batch) => {
      const out = await clientOf(batch[0]!.agency).send(new PutEventsCommand({ Entries: batch.map((e) => e.entry) }));
      out.Entries!.forEach((result, i) => {
        if (result.EventId) published.acknowledged.push({ event: batch[i]!, busId: result.EventId });
        else published.refused.push({ event: batch[i]!, code: result.ErrorCode ?? 'unknown' });
      });
    });
  } finally {
    for (const client of clients.values()) client.destroy();
  }
  return published;
}
