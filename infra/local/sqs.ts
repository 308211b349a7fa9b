/**
 * The part of Amazon SQS's JSON protocol that operators need for the
 * subscription queues: list them, read their depth, page through dead letters
 * as on SQS (ReceiveMessage with a visibility timeout, then
 * ChangeMessageVisibilityBatch to give them back) and redrive them
 * (StartMessageMoveTask), so `mx dlq` works unchanged against real SQS.
 */
import { createHash } from 'node:crypto';
import { AwsError } from './aws-protocol.ts';
import { ACCOUNT } from './eventbridge.ts';
import type { StoredMessage } from './queue-store.ts';
import type { Queues } from './queues.ts';

type Body = Record<string, unknown>;

/** SQS's bounds (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html). */
const MAX_RECEIVE = 10;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_WAIT_SECONDS = 20;

const invalidParameter = (name: string, value: unknown, rule: string) =>
  new AwsError(
    'InvalidParameterValue',
    `Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${rule}`,
  );

function wholeNumber(body: Body, name: string, min: number, max: number, fallback: number): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalidParameter(name, value, `Must be between ${min} and ${max}, if provided.`);
  return value;
}

/** A receipt handle names the message and the receive that issued it, so a stale one is refused. */
const receiptHandle = (id: string, receiveCount: number) =>
  Buffer.from(JSON.stringify([id, receiveCount])).toString('base64url');

function parseReceipt(handle: unknown): { id: string; receiveCount: number } {
  try {
    const [id, receiveCount] = JSON.parse(Buffer.from(String(handle ?? ''), 'base64url').toString('utf8')) as unknown[];
    if (typeof id === 'string' && typeof receiveCount === 'number') return { id, receiveCount };
  } catch {
    // falls through to the refusal
  }
  throw new AwsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${String(handle ?? '').slice(0, 100)}" is not a valid receipt handle.`,
  );
}

export class LocalSqs {
  constructor(
    private readonly queues: Queues,
    private readonly region: string,
    private readonly endpoint: () => string,
  ) {}

  arn(name: string): string {
    return `arn:aws:sqs:${this.region}:${ACCOUNT}:${name}`;
  }

  url(name: string): string {
    return `${this.endpoint()}/${ACCOUNT}/${name}`;
  }

  async handle(operation: string, body: Body): Promise<unknown> {
    switch (operation) {
      case 'ListQueues': {
        const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
        return {
          QueueUrls: this.queues
            .names()
            .filter((n) => n.startsWith(prefix))
            .map((n) => this.url(n)),
        };
      }
      case 'GetQueueUrl':
        return { QueueUrl: this.url(this.nameOf(String(body.QueueName ?? ''))) };
      case 'GetQueueAttributes':
        return { Attributes: this.attributes(this.nameFromUrl(body.QueueUrl)) };
      case 'ReceiveMessage':
        return this.receive(body);
      case 'ChangeMessageVisibility': {
        const name = this.nameFromUrl(body.QueueUrl);
        const receipt = parseReceipt(body.ReceiptHandle);
        if (body.VisibilityTimeout === undefined)
          throw new AwsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
        const seconds = wholeNumber(body, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS, 0);
        if (!this.queues.changeVisibility(name, receipt.id, receipt.receiveCount, seconds * 1000)) {
          throw new AwsError(
            'MessageNotInflight',
            `Message ${receipt.id} is not in flight on ${name} (deleted, moved, visible again, or received since).`,
          );
        }
        return {};
      }
      case 'ChangeMessageVisibilityBatch':
        return this.changeVisibilityBatch(body);
      case 'StartMessageMoveTask': {
        const source =
          String(body.SourceArn ?? '')
            .split(':')
            .pop() ?? '';
        const moved = await this.queues.redrive(this.nameOf(source));
        return { TaskHandle: `local-redrive-${source}-${moved}` };
      }
      default:
        throw new AwsError('UnsupportedOperation', `The local cloud does not implement SQS ${operation}`);
    }
  }

  private attributes(name: string): Record<string, string> {
    const stats = this.queues.stats().find((s) => s.name === name)!;
    const config = this.queues.configOf(name);
    return {
      QueueArn: this.arn(name),
      ApproximateNumberOfMessages: String(stats.visible),
      ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
      // As the template declares them (infra/local/template), so a caller can check what it runs.
      VisibilityTimeout: String(Math.round(config.visibilityTimeoutMs / 1000)),
      ...(config.deadLetter
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: this.arn(config.deadLetter.queue),
              maxReceiveCount: config.deadLetter.maxReceiveCount,
            }),
          }
        : {}),
    };
  }

  /**
   * ReceiveMessage as SQS does it: counts the receive and hides the messages
   * for the visibility timeout (the queue's, or the request's), waiting up to
   * WaitTimeSeconds for one to arrive.
   */
  private async receive(body: Body) {
    const name = this.nameFromUrl(body.QueueUrl);
    const max = wholeNumber(body, 'MaxNumberOfMessages', 1, MAX_RECEIVE, 1);
    const visibility = wholeNumber(body, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS, -1);
    const wait = wholeNumber(body, 'WaitTimeSeconds', 0, MAX_WAIT_SECONDS, 0);
    let messages = await this.queues.receive(name, max, visibility < 0 ? undefined : visibility * 1000);
    if (messages.length === 0 && wait > 0) {
      await this.queues.whenVisible(name, AbortSignal.timeout(wait * 1000));
      messages = await this.queues.receive(name, max, visibility < 0 ? undefined : visibility * 1000);
    }
    return { Messages: messages.map((m) => this.toSqsMessage(m)) };
  }

  private changeVisibilityBatch(body: Body) {
    const name = this.nameFromUrl(body.QueueUrl);
    const entries = Array.isArray(body.Entries) ? (body.Entries as Body[]) : [];
    if (entries.length === 0)
      throw new AwsError(
        'EmptyBatchRequest',
        'There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.',
      );
    if (entries.length > MAX_RECEIVE)
      throw new AwsError(
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_RECEIVE}. You have sent ${entries.length}.`,
      );
    const ids = entries.map((e) => String(e?.Id ?? ''));
    if (new Set(ids).size !== ids.length)
      throw new AwsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const [i, entry] of entries.entries()) {
      try {
        const receipt = parseReceipt(entry?.ReceiptHandle);
        const seconds = wholeNumber(entry ?? {}, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS, 0);
        if (!this.queues.changeVisibility(name, receipt.id, receipt.receiveCount, seconds * 1000)) {
          throw new AwsError('MessageNotInflight', `Message ${receipt.id} is not in flight on ${name}.`);
        }
        Successful.push({ Id: ids[i]! });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        Failed.push({ Id: ids[i]!, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  private toSqsMessage(m: StoredMessage) {
    return {
      MessageId: m.id,
      ReceiptHandle: receiptHandle(m.id, m.receiveCount),
      Body: m.body,
      // The SDK verifies this checksum on every received message.
      MD5OfBody: createHash('md5').update(m.body).digest('hex'),
      Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
      MessageAttributes: {
        ...(m.error ? { 'mx-error': { DataType: 'String', StringValue: m.error } } : {}),
        ...(m.sourceQueue ? { 'mx-source-queue': { DataType: 'String', StringValue: m.sourceQueue } } : {}),
        ...(m.deadLetteredAt
          ? { 'mx-dead-lettered-at': { DataType: 'String', StringValue: new Date(m.deadLetteredAt).toISOString() } }
          : {}),
        // Receives in the queue it came from: ApproximateReceiveCount goes on counting every look at a dead letter.
        ...(m.sourceReceiveCount !== undefined
          ? { 'mx-source-receive-count': { DataType: 'Number', StringValue: String(m.sourceReceiveCount) } }
          : {}),
      },
    };
  }

  private nameFromUrl(url: unknown): string {
    return this.nameOf(
      String(url ?? '')
        .split('/')
        .pop() ?? '',
    );
  }

  private nameOf(name: string): string {
    if (!this.queues.has(name)) throw new AwsError('QueueDoesNotExist', `The specified queue ${name} does not exist.`);
    return name;
  }
}
