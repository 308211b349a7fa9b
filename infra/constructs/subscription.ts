import { type CfnResource, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LOCAL_NAME_METADATA } from '../template-metadata.ts';
import { type SubscriptionSpec, visibilityTimeoutSeconds } from '../topology.ts';
import { ExchangeFunction } from './exchange-function.ts';

export interface SubscriptionProps {
  readonly spec: SubscriptionSpec;
  readonly bus: IEventBus;
  readonly table: ITable;
  readonly environment: Record<string, string>;
}

/**
 * One topology subscription: rule → SQS queue (redrive to a DLQ) → Lambda
 * with partial batch responses. The queue, not the rule target, carries the
 * retries: LocalStack ignores a target's RetryPolicy and DeadLetterConfig,
 * while SQS redrive behaves the same on AWS, LocalStack and the local cloud.
 */
export class Subscription extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly handler: ExchangeFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SubscriptionProps) {
    super(scope, id);
    const { spec } = props;

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(spec.delivery)),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.delivery.maxReceiveCount },
    });

    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: `${spec.description} Basis: ${spec.legalBasis.act}, ${spec.legalBasis.article}`.slice(0, 512),
      eventPattern: spec.pattern as never,
      // If SQS itself refuses the message, EventBridge parks it here instead of dropping it.
      targets: [
        new SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.handler = new ExchangeFunction(this, 'Handler', {
      handlerModule: spec.handler,
      description: `${spec.name}: ${spec.purpose}`.slice(0, 256),
      timeout: Duration.seconds(spec.delivery.handlerTimeoutSeconds),
      environment: { ...props.environment, ...spec.environment, SUBSCRIPTION: spec.name },
    }).bindTable(props.table);

    this.handler.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: spec.delivery.batchSize,
        maxBatchingWindow: Duration.seconds(spec.delivery.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
      }),
    );

    for (const source of spec.publishes ?? []) {
      this.handler.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': source } },
        }),
      );
    }
    // Set for every subscription, as for the command APIs: a handler never has to guess why a reaction was skipped
    // (without the variable the projector silently published nothing); the role policy
    // above decides what it may publish.
    this.handler.addEnvironment('EVENT_BUS_NAME', props.bus.eventBusName);

    // The local cloud's names for what the template leaves unnamed (infra/local/template/names.ts); `mx`, the console
    // and the tests find them through the cloud, and existing data dirs keep their queues under these names.
    const localName = (construct: Construct, name: string) =>
      (construct.node.defaultChild as CfnResource).addMetadata(LOCAL_NAME_METADATA, name);
    localName(this.queue, `mx-${spec.name}`);
    localName(this.deadLetterQueue, `mx-${spec.name}-dlq`);
    localName(this.rule, spec.name);
  }
}
