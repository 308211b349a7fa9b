import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The embedded-metric-format metric the exchange-log function publishes for
 * every event that breaks the contract (Powertools Metrics: namespace from
 * POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME).
 */
export const CONTRACT_BREACH_METRIC = {
  namespace: 'MigrationExchange',
  metricName: 'ContractBreaches',
  service: 'exchange-log',
} as const;

export interface ExchangeAlarmsProps {
  /** An address subscribed to the alarm topic (it must confirm the subscription). */
  readonly email?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms on what means data is waiting or was refused: a message in any
 * dead-letter queue, any handler error, any contract breach. Each fires on the
 * first occurrence in five minutes and notifies one SNS topic.
 */
export class ExchangeAlarms extends Construct {
  readonly topic: Topic;
  readonly contractBreachMetric: Metric;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ExchangeAlarmsProps = {}) {
    super(scope, id);
    // Unencrypted on purpose: notifications carry alarm names and metric values, never personal data, and CloudWatch
    // cannot publish to a topic encrypted with the AWS-managed SNS key.
    this.topic = new Topic(this, 'Topic', { displayName: 'migration-exchange alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);

    this.contractBreachMetric = new Metric({
      namespace: CONTRACT_BREACH_METRIC.namespace,
      metricName: CONTRACT_BREACH_METRIC.metricName,
      dimensionsMap: { service: CONTRACT_BREACH_METRIC.service },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      // No unit filter: an alarm with a unit sees only datapoints published with exactly that unit.
    });
    this.alarm(
      'ContractBreaches',
      this.contractBreachMetric,
      'An agency published an event that breaks the contract; it is in the exchange log with its validation ' +
        'issues: npx mx breaches.',
    );
  }

  /** Alarms when a message is parked in the queue (its depth above zero). */
  watchDeadLetters(id: string, queue: IQueue, what: string): Alarm {
    const depth = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES });
    return this.alarm(
      `DeadLetters-${id}`,
      depth,
      `Messages parked in the dead-letter queue of ${what}: inspect them (npx mx dlq list), fix the cause, redrive.`,
    );
  }

  /** Alarms on any error of the function (an invocation that threw or timed out). */
  watchFunction(id: string, fn: IFunction, what: string): Alarm {
    return this.alarm(
      `Errors-${id}`,
      fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
      `${what} failed: see its log group for the error.`,
    );
  }

  private alarm(id: string, metric: IMetric, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No datapoint means nothing happened: an idle exchange is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
