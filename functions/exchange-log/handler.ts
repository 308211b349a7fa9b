import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SOURCES } from '../../schemas/define.ts';
import { documentClient } from '../lib/document-client.ts';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { mapConcurrent } from '../lib/limit.ts';
import { type Observability, observability, observed, traced } from '../lib/observability.ts';
import { type BatchFailure, type DeliveredEvent, reasonOf, sqsBatchHandler } from '../lib/sqs-batch.ts';
import { leafPosition } from '../merkle/leaf.ts';
import { EXCHANGE_LOG } from '../merkle/logs.ts';
import { type Claim, certainlyNotWritten, claimLeaves, claimUsable, voidLeaf } from '../merkle/sequencer.ts';
import { atLeaf, isReplay, isSmokeRow, type LogWrite, toLogWrite } from './log-entry.ts';
import { type AppendOutcome, appendOnce, recordDays } from './store.ts';

const KNOWN_SOURCES: readonly string[] = Object.values(SOURCES);
/** Conditional puts in flight per batch: one row per request, written once each. */
const CONCURRENCY = 16;
/** Outcomes after which the row holds the leaf index claimed for it. */
const USES_LEAF: ReadonlySet<AppendOutcome> = new Set(['appended', 'conflict-recorded']);

/** A write that would start after its leaf claim's deadline: it is not made, and its leaf is voided. */
class ClaimExpired extends Error {
  constructor() {
    super('the batch held its leaf claim too long; the event is retried under a new one');
  }
}
export interface ExchangeLogConfig {
  readonly tableName: string;
  readonly personKeySecret: string;
}

/**
 * Appends a batch of bus events to the exchange log, each row written once
 * (conditional on its key being free). A row that cannot be written fails
 * only the messages that carry it, with its own reason; the others are
 * logged and deleted from the queue.
 */
export function logAppender(
  config: ExchangeLogConfig,
  dynamo: DynamoDBDocumentClient,
  o: Pick<Observability, 'logger' | 'metrics'>,
) {
  const { tableName, personKeySecret } = config;
  const { logger, metrics } = o;
  /** Days this instance has already listed (the list is a set, so another instance listing them again is harmless). */
  const listedDays = new Set<string>();
  return async function appendToLog(delivered: readonly DeliveredEvent[]): Promise<BatchFailure[]> {
    const writes = new Map<string, { write: LogWrite; messageIds: string[] }>();
    const failures: BatchFailure[] = [];
    for (const { messageId, event } of delivered) {
      if (isReplay(event)) continue;
      let write: LogWrite;
      try {
        write = toLogWrite(event, personKeySecret, KNOWN_SOURCES);
      } catch (error) {
        failures.push({ messageId, reason: `cannot build a log row: ${reasonOf(error)}` });
        continue;
      }
      // Two copies of one event in a batch (a redelivery) are one row; a different event under
      // the same key is an id conflict.
      const key = `${write.entry.pk}\u0000${write.entry.digest}`;
      const slot = writes.get(key);
      if (slot) slot.messageIds.push(messageId);
      else writes.set(key, { write, messageIds: [messageId] });
    }
    let breaches = 0;
    // A day is listed before its rows are written: a replay may then look at a day with nothing yet, never miss one.
    const newDays = [...new Set([...writes.values()].map((w) => w.write.entry.day))].filter(
      (d): d is string => d !== undefined && !listedDays.has(d),
    );
    try {
      await recordDays(dynamo, tableName, newDays);
      for (const d of newDays) listedDays.add(d);
    } catch (error) {
      return delivered.map((d) => ({
        messageId: d.messageId,
        reason: `cannot list the log's days: ${reasonOf(error)}`,
      }));
    }
    // One claim of leaf indexes per batch: the Merkle tree's only cost on this path besides two attributes per row.
    const slots = [...writes.values()];
    const leaves = slots.filter((s) => !isSmokeRow(s.write.entry));
    let claim: Claim | undefined;
    if (leaves.length > 0) {
      try {
        claim = await claimLeaves(dynamo, tableName, EXCHANGE_LOG, leaves.length);
      } catch (error) {
        return delivered.map((d) => ({
          messageId: d.messageId,
          reason: `cannot claim the batch's leaves in the log's Merkle tree: ${reasonOf(error)}`,
        }));
      }
      leaves.forEach((slot, i) => {
        slot.write = atLeaf(slot.write, leafPosition(claim!.first + i));
      });
    }
    const unused: { index: number; reason: string }[] = [];
    const guard = () => {
      if (claim && !claimUsable(claim)) throw new ClaimExpired();
    };
    await mapConcurrent(slots, CONCURRENCY, async ({ write, messageIds }) => {
      const index = write.entry.leafIndex;
      try {
        const outcome = await appendOnce(
          dynamo,
          tableName,
          write,
          KNOWN_SOURCES,
          index === undefined ? undefined : guard,
        );
        if (index !== undefined && !USES_LEAF.has(outcome))
          unused.push({
            index,
            reason:
              `${write.entry.pk}: ` +
              `${outcome === 'already-logged' ? 'already logged' : 'id conflict already logged'} under an ` +
              `earlier leaf`,
          });
        if (outcome === 'appended' && write.entry.breach) {
          breaches += 1;
          logger.warn('event breaks the contract; logged with its issues', {
            pk: write.entry.pk,
            issues: write.entry.issues,
          });
        }
        if (outcome === 'conflict-recorded') {
          breaches += 1;
          logger.warn('a second, different event under an id already logged; kept apart as an id conflict', {
            pk: write.entry.pk,
            busEventId: write.entry.busEventId,
          });
        }
      } catch (error) {
        if (index !== undefined && (error instanceof ClaimExpired || certainlyNotWritten(error)))
          unused.push({ index, reason: `${write.entry.pk}: not written (${reasonOf(error)})` });
        for (const messageId of messageIds)
          failures.push({ messageId, reason: `exchange log write failed: ${reasonOf(error)}` });
      }
    });
    // An index this batch knows it did not fill is voided now, so the tree need not wait for
    // the checkpointer to settle it.
    await mapConcurrent(unused, CONCURRENCY, async ({ index, reason }) => {
      try {
        await voidLeaf(dynamo, tableName, EXCHANGE_LOG, index, reason);
      } catch (error) {
        logger.warn('could not void an unused leaf; the checkpointer will', { index, error: reasonOf(error) });
      }
    });
    metrics.addMetric('EventsLogged', MetricUnit.Count, delivered.length - failures.length);
    // `ContractBreaches` is what the CDK stack's breach alarm watches (namespace MigrationExchange, dimension service).
    if (breaches > 0) metrics.addMetric('ContractBreaches', MetricUnit.Count, breaches);
    return failures;
  };
}

export function createHandler(deps: HandlerDeps): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const config = {
    tableName: requireEnv('TABLE_NAME', deps.env),
    personKeySecret: requireEnv('PERSON_KEY_SECRET', deps.env),
  };
  const o = observability(deps.env, 'exchange-log');
  const dynamo = documentClient(traced(o, new DynamoDBClient(deps.aws)));
  return observed(o, sqsBatchHandler(logAppender(config, dynamo, o), o.logger));
}

export const handler = lambdaEntry(createHandler);
