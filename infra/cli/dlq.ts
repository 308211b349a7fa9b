/** `mx dlq list` and `mx dlq redrive`: the dead-letter queues, read and redriven with the platform's keys over SQS's own API, as on AWS. */
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { sdkConfig, withCloud, type ConnectionOptions } from './connection.ts';
import { CliError, printJson, printTable } from './output.ts';

export interface DeadLetter {
  queue: string;
  messageId: string;
  receiveCount: number;
  error?: string;
  sourceQueue?: string;
  deadLetteredAt?: string;
  source?: string;
  detailType?: string;
  eventId?: string;
}

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

/**
 * How long a listed page stays hidden. Long enough to page through a deep
 * queue before the first page reappears; if the listing dies before it gives
 * the messages back, they are visible again after this, as on SQS.
 */
const LISTING_VISIBILITY_SECONDS = 120;
const PAGE = 10;

function describeBody(body: string | undefined): Pick<DeadLetter, 'source' | 'detailType' | 'eventId'> {
  try {
    const event = JSON.parse(body ?? '') as { source?: string; 'detail-type'?: string; detail?: { meta?: { eventId?: string } } };
    return { source: event.source, detailType: event['detail-type'], eventId: event.detail?.meta?.eventId };
  } catch {
    return {};
  }
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

function toDeadLetter(queue: string, m: Message): DeadLetter {
  const attribute = (name: string) => m.MessageAttributes?.[name]?.StringValue;
  // The local cloud keeps the receives a message had before it was parked; SQS's own count goes on counting every listing.
  const receives = attribute('mx-source-receive-count') ?? m.Attributes?.ApproximateReceiveCount ?? '0';
  return {
    queue,
    messageId: m.MessageId!,
    receiveCount: Number(receives),
    error: attribute('mx-error'),
    sourceQueue: attribute('mx-source-queue'),
    deadLetteredAt: attribute('mx-dead-lettered-at'),
    ...describeBody(m.Body),
  };
}

/**
 * Pages through one queue as SQS allows it: ReceiveMessage (10 at a time)
 * with a visibility timeout, so each page hides what was read and the next
 * receive returns the next messages; then ChangeMessageVisibilityBatch to 0
 * gives every one back, also when listing fails half-way. SQS has no peek,
 * so this works the same on AWS; there, each listing adds one to a message's
 * ApproximateReceiveCount (harmless on a dead-letter queue, which no function
 * consumes).
 */
async function pageThrough(sqs: SQSClient, url: string, limit: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const receipts = new Map<string, string>();
  try {
    while (seen.size < limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(PAGE, limit - seen.size),
          VisibilityTimeout: LISTING_VISIBILITY_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) {
        // A message seen before (it reappeared during a very long listing) is not listed twice; its newest receipt is the one to give back.
        if (!seen.has(m.MessageId!)) seen.set(m.MessageId!, m);
        receipts.set(m.MessageId!, m.ReceiptHandle!);
      }
    }
  } finally {
    const handles = [...receipts.values()];
    for (let i = 0; i < handles.length; i += PAGE) {
      const entries = handles.slice(i, i + PAGE).map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle, VisibilityTimeout: 0 }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }));
    }
  }
  return [...seen.values()];
}

/** Every dead-letter queue with its depth (empty ones too), and up to `limitPerQueue` of each one's messages. */
export async function listDeadLetters(sqs: SQSClient, limitPerQueue = Number.POSITIVE_INFINITY): Promise<DeadLetterListing> {
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
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    const depth = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    const messages = depth > 0 && limitPerQueue > 0 ? await pageThrough(sqs, url, limitPerQueue) : [];
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
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn! }));
    const depth = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    process.stdout.write(`redrove ${depth} message(s) from ${name}\n`);
  });
}
