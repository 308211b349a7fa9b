/**
 * `mx dlq list` and `mx dlq redrive`: the dead-letter queues, read and redriven with the platform's keys
 * over SQS's own API, as on AWS.
 */
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { type DeadLetterSummary, peek, toDeadLetter } from '../../functions/exchange-api/dead-letters.ts';
import { type ConnectionOptions, sdkConfig, withCloud } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';

/** One dead letter as `mx dlq list --json` prints it: the console's summary (never the event's data). */
export type DeadLetter = DeadLetterSummary;

export interface DeadLetterQueue {
  queue: string;
  /** Messages in the queue when it was listed (visible and in flight). */
  depth: number;
  /** How many of them this listing shows (fewer than `depth` under --limit). */
  listed: number;
}

export interface DeadLetterListing {
  queues: DeadLetterQueue[];
  messages: DeadLetter[];
}

function withSqs<T>(opts: ConnectionOptions, fn: (sqs: SQSClient) => Promise<T>): Promise<T> {
  return withCloud(opts, async (connection) => {
    const sqs = new SQSClient(sdkConfig(connection, connection.credentials.platform));
    try {
      return await fn(sqs);
    } finally {
      sqs.destroy();
    }
  });
}

/** Every dead-letter queue with its depth (empty ones too), and up to `limitPerQueue` of each one's messages. */
export async function listDeadLetters(
  sqs: SQSClient,
  limitPerQueue = Number.POSITIVE_INFINITY,
): Promise<DeadLetterListing> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'mx-', NextToken }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const listing: DeadLetterListing = { queues: [], messages: [] };
  for (const url of urls.filter((u) => u.endsWith('-dlq'))) {
    const queue = url.split('/').pop()!;
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const depth =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    const messages = depth > 0 && limitPerQueue > 0 ? await peek(sqs, url, limitPerQueue) : [];
    listing.queues.push({ queue, depth, listed: messages.length });
    listing.messages.push(...messages.map((m) => toDeadLetter(queue, m)));
  }
  return listing;
}

export async function list(opts: ConnectionOptions & { json?: boolean; limit?: number }): Promise<void> {
  const listing = await withSqs(opts, (sqs) => listDeadLetters(sqs, opts.limit));
  if (opts.json) return printJson(listing);
  printTable(listing.queues, ['queue', 'depth', 'listed']);
  if (listing.messages.length === 0) return;
  process.stdout.write('\n');
  printTable(listing.messages, ['queue', 'detailType', 'eventId', 'receiveCount', 'deadLetteredAt', 'error']);
}

export async function redrive(queue: string, opts: ConnectionOptions): Promise<void> {
  const name = queue.startsWith('mx-') ? queue : `mx-${queue}-dlq`;
  if (!name.endsWith('-dlq')) throw new CliError(`${queue} is not a dead-letter queue; dead-letter queues end in -dlq`);
  await withSqs(opts, async (sqs) => {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    const url = QueueUrls.find((u) => u.endsWith(`/${name}`));
    if (!url) throw new CliError(`no dead-letter queue ${name}; run \`mx dlq list\` to see them`);
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn! }));
    const depth =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    process.stdout.write(`redrove ${depth} message(s) from ${name}\n`);
  });
}
