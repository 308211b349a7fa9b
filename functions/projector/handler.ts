/**
 * One handler for every projection: a system's registry or a ministry's view
 * (TABLE_VIEW names which, see domain/views.ts). It folds a batch of events
 * into the records they touch, with optimistic concurrency, and then runs the
 * system's reactions (REACTIONS), publishing them under the system's source.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import { validateDetail } from '../../schemas/validate.ts';
import type { EventData } from '../domain/projections.ts';
import { findTableView, type TableView } from '../domain/views.ts';
import { documentClient } from '../lib/document-client.ts';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { type Observability, observability, observed, traced } from '../lib/observability.ts';
import { putEntries } from '../lib/publisher.ts';
import { type BatchFailure, type DeliveredEvent, reasonOf, sqsBatchHandler } from '../lib/sqs-batch.ts';
import { findReactions, type SystemReactions } from '../systems/reactions.ts';
import type { ValidEvent } from './plan.ts';
import { projectEvents } from './project.ts';
import { registryReader } from './registry-reader.ts';

/** What a projector is configured with: its table, the view it keeps there, and the reactions it publishes. */
export interface ProjectorConfig {
  readonly tableName: string;
  readonly secret: string;
  readonly view: TableView;
  readonly reactions?: SystemReactions;
  readonly busName?: string;
}

export interface ProjectorPorts {
  readonly dynamo: DynamoDBDocumentClient;
  readonly events: EventBridgeClient;
}

export function projectorConfig(env: HandlerDeps['env']): ProjectorConfig {
  const viewName = requireEnv('TABLE_VIEW', env);
  const view = findTableView(viewName);
  if (!view) throw new Error(`TABLE_VIEW ${viewName} is not a declared view or registry`);
  const reactions = env.REACTIONS ? findReactions(env.REACTIONS) : undefined;
  return {
    tableName: requireEnv('TABLE_NAME', env),
    secret: requireEnv('PERSON_KEY_SECRET', env),
    view,
    ...(reactions ? { reactions } : {}),
    ...(env.EVENT_BUS_NAME ? { busName: env.EVENT_BUS_NAME } : {}),
  };
}

/**
 * Folds a batch of delivered events into the table and runs the reactions; returns each message that failed, with why.
 */
export function batchProjector(
  config: ProjectorConfig,
  ports: ProjectorPorts,
  o: Pick<Observability, 'logger' | 'metrics'>,
) {
  const { tableName, secret, view, reactions, busName } = config;
  const { logger } = o;

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

  /**
   * Runs the system's reactions to the batch's causes; returns the causes whose reactions were not published, with why.
   */
  async function react(batch: readonly ValidEvent[]): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    if (!reactions || !busName) return failed;
    const reader = registryReader(ports.dynamo, tableName);
    for (const cause of batch) {
      if (!reactions.triggers.has(cause.bus['detail-type'])) continue;
      try {
        const entries = await reactions.react(cause.bus, reader, { secret, busName });
        if (entries.length === 0) continue;
        const results = await putEntries(ports.events, entries);
        const refused = results.filter((r) => !r.eventId);
        if (refused.length)
          throw new Error(
            refused.map((r) => `${r.entry.DetailType}: ${r.errorCode} ${r.errorMessage ?? ''}`).join('; '),
          );
      } catch (error) {
        logger.error('reaction failed; the cause will be redelivered', {
          cause: cause.bus.detail.meta.eventId,
          error: error as Error,
        });
        failed.set(cause.messageId, `reaction to ${cause.bus['detail-type']} failed: ${reasonOf(error)}`);
      }
    }
    return failed;
  }

  return async function processBatch(delivered: readonly DeliveredEvent[]): Promise<BatchFailure[]> {
    const batch = validEvents(delivered);
    const failed = await projectEvents(ports.dynamo, tableName, view, secret, batch);
    // A cause whose projection failed is retried whole; its reactions wait for that retry.
    for (const [id, reason] of await react(batch.filter((e) => !failed.has(e.messageId)))) failed.set(id, reason);
    o.metrics.addMetric('EventsProjected', MetricUnit.Count, batch.length - [...failed.keys()].length);
    if (failed.size > 0) o.metrics.addMetric('ProjectionFailures', MetricUnit.Count, failed.size);
    return [...failed].map(([messageId, reason]) => ({ messageId, reason }));
  };
}

/**
 * The projector function: one per registry or view (TABLE_VIEW), with the
 * SDK clients built from `deps.aws` once, for every invocation.
 */
export function createHandler(deps: HandlerDeps): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const config = projectorConfig(deps.env);
  const o = observability(deps.env, 'projector');
  const ports: ProjectorPorts = {
    dynamo: documentClient(traced(o, new DynamoDBClient(deps.aws))),
    events: traced(o, new EventBridgeClient(deps.aws)),
  };
  return observed(o, sqsBatchHandler(batchProjector(config, ports, o), o.logger));
}

export const handler = lambdaEntry(createHandler);
