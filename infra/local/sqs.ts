/**
 * The part of Amazon SQS's JSON protocol that operators need for the
 * subscription queues: list them, read their depth, peek at dead letters and
 * redrive them (StartMessageMoveTask), so `mx dlq` uses the real SQS client.
 */
import { createHash } from 'node:crypto';
import { AwsError } from './aws-protocol.ts';
import type { Queues } from './queues.ts';
import { ACCOUNT } from './eventbridge.ts';

type Body = Record<string, unknown>;

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
        return { QueueUrls: this.queues.names().filter((n) => n.startsWith(prefix)).map((n) => this.url(n)) };
      }
      case 'GetQueueUrl':
        return { QueueUrl: this.url(this.nameOf(String(body.QueueName ?? ''))) };
      case 'GetQueueAttributes':
        return { Attributes: this.attributes(this.nameFromUrl(body.QueueUrl)) };
      case 'ReceiveMessage':
        return { Messages: this.peek(this.nameFromUrl(body.QueueUrl), Number(body.MaxNumberOfMessages ?? 10)) };
      case 'StartMessageMoveTask': {
        const source = String(body.SourceArn ?? '').split(':').pop() ?? '';
        const moved = await this.queues.redrive(this.nameOf(source));
        return { TaskHandle: `local-redrive-${source}-${moved}` };
      }
      default:
        throw new AwsError('UnsupportedOperation', `The local cloud does not implement SQS ${operation}`);
    }
  }

  private attributes(name: string): Record<string, string> {
    const stats = this.queues.stats().find((s) => s.name === name)!;
    return {
      QueueArn: this.arn(name),
      ApproximateNumberOfMessages: String(stats.visible),
      ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
      ...(stats.deadLetterQueue ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: this.arn(stats.deadLetterQueue) }) } : {}),
    };
  }

  /** ReceiveMessage here only peeks: listing dead letters must not hide or count them. */
  private peek(name: string, max: number) {
    return this.queues.peek(name, Math.min(Math.max(max, 1), 1000)).map((m) => ({
      MessageId: m.id,
      ReceiptHandle: `${m.id}:${m.receiveCount}`,
      Body: m.body,
      // The SDK verifies this checksum on every received message.
      MD5OfBody: createHash('md5').update(m.body).digest('hex'),
      Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
      MessageAttributes: {
        ...(m.error ? { 'mx-error': { DataType: 'String', StringValue: m.error } } : {}),
        ...(m.sourceQueue ? { 'mx-source-queue': { DataType: 'String', StringValue: m.sourceQueue } } : {}),
        ...(m.deadLetteredAt ? { 'mx-dead-lettered-at': { DataType: 'String', StringValue: new Date(m.deadLetteredAt).toISOString() } } : {}),
      },
    }));
  }

  private nameFromUrl(url: unknown): string {
    return this.nameOf(String(url ?? '').split('/').pop() ?? '');
  }

  private nameOf(name: string): string {
    if (!this.queues.has(name)) throw new AwsError('QueueDoesNotExist', `The specified queue ${name} does not exist.`);
    return name;
  }
}
