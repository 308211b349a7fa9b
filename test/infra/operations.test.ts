import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONTRACT_BREACH_METRIC } from '../../infra/constructs/exchange-alarms.ts';
import { logicalIdOf, templateOf } from './synth.ts';

const stack = templateOf();
const { template, resources, ofType } = stack;
const topicId = ofType('AWS::SNS::Topic')[0]![0];

/**
 * Every queue something parks messages in: an SQS redrive target, a rule target's or a function's dead-letter config.
 */
function deadLetterQueueIds(): string[] {
  const ids = new Set<string>();
  for (const [, queue] of ofType('AWS::SQS::Queue')) {
    const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
    if (redrive) ids.add(logicalIdOf(redrive.deadLetterTargetArn)!);
  }
  for (const [, rule] of ofType('AWS::Events::Rule')) {
    for (const target of rule.Properties.Targets as { DeadLetterConfig?: { Arn: unknown } }[])
      if (target.DeadLetterConfig) ids.add(logicalIdOf(target.DeadLetterConfig.Arn)!);
  }
  for (const [, fn] of ofType('AWS::Lambda::Function')) {
    const config = fn.Properties.DeadLetterConfig as { TargetArn: unknown } | undefined;
    if (config) ids.add(logicalIdOf(config.TargetArn)!);
  }
  return [...ids].sort();
}

describe('alarms', () => {
  it('watch the depth of every dead-letter queue, notifying the alarm topic on the first parked message', () => {
    const dlqs = deadLetterQueueIds();
    // One per subscription, plus the scheduled check's.
    expect(dlqs.length).toBeGreaterThanOrEqual(9);
    for (const id of dlqs) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  it('watch the errors of every function the exchange runs', () => {
    // Not the console deployment's copy function: it runs only inside a deploy, whose failure CloudFormation reports.
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    // 8 subscriptions, 3 command APIs, 4 query APIs, the exchange routes and whoami, the Merkle checkpointer.
    expect(functions.length).toBe(18);
    for (const [id] of functions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  it('watch the exchange log\u2019s contract-breach metric (> 0 in 5 minutes) and export its name', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MigrationExchange',
      MetricName: 'ContractBreaches',
      Dimensions: [{ Name: 'service', Value: 'exchange-log' }],
      Statistic: 'Sum',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasOutput('ContractBreachMetricName', { Value: 'ContractBreaches' });
    template.hasOutput('ContractBreachMetricNamespace', { Value: 'MigrationExchange' });
    // The exchange-log handler's Powertools Metrics read namespace and service dimension from its environment.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^exchange-log: '),
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: CONTRACT_BREACH_METRIC.service,
          POWERTOOLS_METRICS_NAMESPACE: CONTRACT_BREACH_METRIC.namespace,
        }),
      },
    });
  });

  it('notify an e-mail address only when context alarmEmail names one', () => {
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const withEmail = templateOf({ alarmEmail: 'duty@migration.example.kz' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'duty@migration.example.kz',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
    });
  });
});

describe('scheduled overstay check', () => {
  const [ruleId, rule] = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)!;
  const [target] = rule.Properties.Targets as {
    Arn: unknown;
    RetryPolicy?: unknown;
    DeadLetterConfig?: { Arn: unknown };
  }[];
  const functionId = logicalIdOf(target!.Arn)!;

  it('retries and dead-letters like every other target', () => {
    expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    const dlqId = logicalIdOf(target!.DeadLetterConfig?.Arn);
    expect(resources[dlqId!]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } });
    // Only this rule may send to it.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('parks a run that keeps failing in the same queue after Lambda\u2019s asynchronous retries', () => {
    const dlqId = logicalIdOf(target!.DeadLetterConfig?.Arn)!;
    expect(resources[functionId]!.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        ]),
      },
      Roles: [{ Ref: logicalIdOf(resources[functionId]!.Properties.Role) }],
    });
  });
});
