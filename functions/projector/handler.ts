/**
 * One handler for every projection: a system's registry or a ministry's view
 * (TABLE_VIEW names which, see domain/views.ts). It folds a batch of events
 * into the records they touch, with optimistic concurrency, and then runs the
 * system's reactions (REACTIONS), publishing them under the system's source.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { validateDetail } from '../../schemas/validate.ts';
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import type { EventData } from '../domain/projections.ts';
import { findTableView } from '../domain/views.ts';
import { dynamo, events } from '../lib/clients.ts';
import { requireEnv } from '../lib/env.ts';
import { putEntries } from '../lib/publisher.ts';
import { reasonOf, sqsBatchHandler, type BatchFailure, type DeliveredEvent } from '../lib/sqs-batch.ts';
import { findReactions } from '../systems/reactions.ts';
import type { ValidEvent } from './plan.ts';
import { projectEvents } from './project.ts';
import { registryReader } from './registry-reader.ts';

const logger = new Logger({ serviceName: 'projector' });
const tableName = requireEnv('TABLE_NAME');
const secret = requireEnv('PERSON_KEY_SECRET');
const viewName = requireEnv('TABLE_VIEW');
const view = findTableView(viewName);
if (!view) throw new Error(`TABLE_VIEW ${viewName} is not a declared view or registry`);
const reactions = process.env.REACTIONS ? findReactions(process.env.REACTIONS) : undefined;
const busName = process.env.EVENT_BUS_NAME;

function validEvents(delivered: readonly DeliveredEvent[]): ValidEvent[] {
  const valid: ValidEvent[] = [];
  for (const { messageId, event } of delivered) {
    const result = validateDetail(event.source, event['detail-type'], event.detail);
    if (result.ok) valid.push({ messageId, bus: { ...event, detail: result.detail } as BusEvent<Detail<EventData>> });
    // Contract breaches are recorded with their issues by the exchange log; a projection cannot use them.
    else logger.debug('skipping an event that breaks the contract', { busEventId: event.id, issues: result.issues });
  }
  return valid;
}

/** Runs the system's reactions to the batch's causes; returns the causes whose reactions were not published, with why. */
async function react(batch: readonly ValidEvent[]): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  if (!reactions || !busName) return failed;
  const reader = registryReader(dynamo(), tableName);
  for (const cause of batch) {
    if (!reactions.triggers.has(cause.bus['detail-type'])) continue;
    try {
      const entries = await reactions.react(cause.bus, reader, { secret, busName });
      if (entries.length === 0) continue;
      const results = await putEntries(events(), entries);
      const refused = results.filter((r) => !r.eventId);
      if (refused.length) throw new Error(refused.map((r) => `${r.entry.DetailType}: ${r.errorCode} ${r.errorMessage ?? ''}`).join('; '));
    } catch (error) {
      logger.error('reaction failed; the cause will be redelivered', { cause: cause.bus.detail.meta.eventId, error: error as Error });
      failed.set(cause.messageId, `reaction to ${cause.bus['detail-type']} failed: ${reasonOf(error)}`);
    }
  }
  return failed;
}

export async function processBatch(delivered: readonly DeliveredEvent[]): Promise<BatchFailure[]> {
  const batch = validEvents(delivered);
  const failed = await projectEvents(dynamo(), tableName, view!, secret, batch);
  // A cause whose projection failed is retried whole; its reactions wait for that retry.
  for (const [id, reason] of await react(batch.filter((e) => !failed.has(e.messageId)))) failed.set(id, reason);
  return [...failed].map(([messageId, reason]) => ({ messageId, reason }));
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(sqsBatchHandler(processBatch, logger));
