import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { dynamo } from '../lib/clients.ts';
import { requireEnv } from '../lib/env.ts';
import { putAll } from '../lib/batch-write.ts';
import { sqsBatchHandler, type DeliveredEvent } from '../lib/sqs-batch.ts';
import { isReplay, toLogEntry, type LogEntry } from './log-entry.ts';

const logger = new Logger({ serviceName: 'exchange-log' });
const tableName = requireEnv('TABLE_NAME');
const personKeySecret = requireEnv('PERSON_KEY_SECRET');

/**
 * Appends a batch of bus events to the exchange log. Writes are plain puts
 * keyed by event id: a redelivered event rewrites the same row, so the log is
 * idempotent without a conditional write per item.
 */
export async function appendToLog(delivered: readonly DeliveredEvent[]): Promise<string[]> {
  const byEventId = new Map<string, { entry: LogEntry; messageIds: string[] }>();
  for (const { messageId, event } of delivered) {
    if (isReplay(event)) continue;
    const entry = toLogEntry(event, personKeySecret);
    if (!entry.valid) logger.warn('event breaks the contract; logged with its issues', { eventId: entry.eventId, issues: entry.issues });
    const slot = byEventId.get(entry.eventId);
    if (slot) slot.messageIds.push(messageId);
    else byEventId.set(entry.eventId, { entry, messageIds: [messageId] });
  }
  const entries = [...byEventId.values()].map((s) => s.entry as unknown as Record<string, unknown>);
  try {
    const { failed } = await putAll(dynamo(), tableName, entries, (item) => String(item.eventId));
    return failed.flatMap((item) => byEventId.get(String(item.eventId))!.messageIds);
  } catch (error) {
    logger.error('exchange log write failed; the whole batch will be retried', { error: error as Error });
    return delivered.map((d) => d.messageId);
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(sqsBatchHandler(appendToLog));
