import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { connect, sdkConfig, withConnectionOptions } from './connection.ts';
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

function describeBody(body: string | undefined): Pick<DeadLetter, 'source' | 'detailType' | 'eventId'> {
  try {
    const event = JSON.parse(body ?? '') as { source?: string; 'detail-type'?: string; detail?: { meta?: { eventId?: string } } };
    return { source: event.source, detailType: event['detail-type'], eventId: event.detail?.meta?.eventId };
  } catch {
    return {};
  }
}

async function withSqs<T>(opts: { endpoint?: string; dataDir?: string }, fn: (sqs: SQSClient) => Promise<T>): Promise<T> {
  const connection = await connect(opts);
  const sqs = new SQSClient(sdkConfig(connection, connection.credentials.platform));
  try {
    return await fn(sqs);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    sqs.destroy();
  }
}

export async function listDeadLetters(sqs: SQSClient): Promise<DeadLetter[]> {
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'mx-' }));
  const letters: DeadLetter[] = [];
  for (const url of QueueUrls.filter((u) => u.endsWith('-dlq'))) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    for (const m of Messages) {
      letters.push({
        queue: url.split('/').pop()!,
        messageId: m.MessageId!,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        error: m.MessageAttributes?.['mx-error']?.StringValue,
        sourceQueue: m.MessageAttributes?.['mx-source-queue']?.StringValue,
        deadLetteredAt: m.MessageAttributes?.['mx-dead-lettered-at']?.StringValue,
        ...describeBody(m.Body),
      });
    }
  }
  return letters;
}

export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('dead-lettered messages of the subscriptions');
  withConnectionOptions(dlq.command('list').description('every dead letter with the error that parked it').option('--json', 'print JSON')).action(
    async (opts: { json?: boolean; endpoint?: string; dataDir?: string }) => {
      const letters = await withSqs(opts, listDeadLetters);
      if (opts.json) return printJson(letters);
      printTable(letters, ['queue', 'detailType', 'eventId', 'receiveCount', 'deadLetteredAt', 'error']);
    },
  );
  withConnectionOptions(
    dlq
      .command('redrive')
      .description('move a dead-letter queue\u2019s messages back to their subscription queue')
      .argument('<queue>', 'dead-letter queue (mx-<subscription>-dlq) or subscription name'),
  ).action(async (queue: string, opts: { endpoint?: string; dataDir?: string }) => {
    const name = queue.startsWith('mx-') ? queue : `mx-${queue}-dlq`;
    if (!name.endsWith('-dlq')) throw new CliError(`${queue} is not a dead-letter queue; dead-letter queues end in -dlq`);
    await withSqs(opts, async (sqs) => {
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      const url = QueueUrls.find((u) => u.endsWith(`/${name}`));
      if (!url) throw new CliError(`no dead-letter queue ${name}; run \`mx dlq list\` to see them`);
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
      await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn! }));
      process.stdout.write(`redrove ${Attributes.ApproximateNumberOfMessages ?? 0} message(s) from ${name}\n`);
    });
  });
}
