import { CfnOutput, type CfnResource, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { CATALOG } from '../../schemas/catalog.ts';
import { ConsoleHosting } from '../constructs/console-hosting.ts';
import { CONTRACT_BREACH_METRIC, ExchangeAlarms } from '../constructs/exchange-alarms.ts';
import { ExchangeApi } from '../constructs/exchange-api.ts';
import { ExchangeBus } from '../constructs/exchange-bus.ts';
import { ExchangeRoutes } from '../constructs/exchange-routes.ts';
import { SchemaRegistry } from '../constructs/schema-registry.ts';
import { Subscription } from '../constructs/subscription.ts';
import { TransparencyLog } from '../constructs/transparency-log.ts';
import { LOCAL_NAME_METADATA } from '../template-metadata.ts';
import { checkTopology, type KeySpec, type Topology } from '../topology.ts';

export interface ExchangeStackProps extends StackProps {
  readonly topology: Topology;
  /** Keep tables and the archive when the stack is deleted (production). */
  readonly retainData: boolean;
  readonly archiveRetentionDays: number;
  /** An address the alarm topic notifies (context `alarmEmail`). */
  readonly alarmEmail?: string;
  /**
   * The WAF web ACL on the API stage, with its per-IP limit of requests per 5 minutes
   * (default: on, {@link DEFAULT_API_RATE_LIMIT}); `false` deploys none (LocalStack's free tier has no WAFv2).
   */
  readonly firewall?: { readonly rateLimitPerFiveMinutes: number } | false;
  /**
   * The operator console behind CloudFront (default: on); `false` deploys none
   * (LocalStack's free tier has neither CloudFront nor the Lambda layers S3 deployments use).
   */
  readonly console?: boolean;
  /** How long signed checkpoints stay locked (default: 10 years with retainData, else 1 day). */
  readonly checkpointRetentionDays?: number;
}

/** The table that keeps every accepted event, and whose owner subscription every event reaches. */
const EXCHANGE_LOG_TABLE = 'ExchangeLog';

/** Requests per client IP per 5 minutes: ~67/s, room for an agency's batch uploads behind one NAT address. */
export const DEFAULT_API_RATE_LIMIT = 20_000;

const attributeType = (key: KeySpec) => ({
  name: key.name,
  type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

/**
 * The whole exchange: bus, tables, one Subscription per topology entry, the APIs and their
 * alarms. The stack only composes.
 */
export class ExchangeStack extends Stack {
  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, props);
    checkTopology(props.topology);

    const exchange = new ExchangeBus(this, 'Exchange', {
      agencies: props.topology.agencies,
      archiveRetentionDays: props.archiveRetentionDays,
    });

    // The bus's name on the local cloud, where callers address it by the topology's name
    // (infra/local/template/names.ts).
    (exchange.bus.node.defaultChild as CfnResource).addMetadata(LOCAL_NAME_METADATA, props.topology.busName);

    const tables = new Map<string, Table>();
    for (const spec of props.topology.tables) {
      const table = new Table(this, spec.id, {
        partitionKey: attributeType(spec.partitionKey),
        ...(spec.sortKey ? { sortKey: attributeType(spec.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        // Only smoke traffic (mx smoke) sets expiresAt: its records and log rows go away on their own.
        timeToLiveAttribute: 'expiresAt',
      });
      for (const index of spec.indexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attributeType(index.partitionKey),
          ...(index.sortKey ? { sortKey: attributeType(index.sortKey) } : {}),
        });
      }
      tables.set(spec.id, table);
      new CfnOutput(this, `${spec.id}TableName`, { value: table.tableName });
    }

    // The pseudonymisation key for personKey; never leaves the account.
    const personKeySecret = new Secret(this, 'PersonKeySecret', {
      description: 'HMAC key that turns identities into pseudonymous person keys',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    NagSuppressions.addResourceSuppressions(personKeySecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          "The HMAC key behind every personKey must never rotate on a schedule: a new key changes every person's " +
          'key and orphans every record in every view and the access ledger. It changes only in a planned ' +
          're-keying with a full replay of the exchange log.',
      },
    ]);
    const alarms = new ExchangeAlarms(this, 'Alarms', { email: props.alarmEmail });

    // Resolved by CloudFormation at deploy time from Secrets Manager.
    const secretEnvironment = { PERSON_KEY_SECRET: personKeySecret.secretValue.unsafeUnwrap() };
    const subscriptions = new Map<string, Subscription>();
    for (const spec of props.topology.subscriptions) {
      const subscription = new Subscription(this, `Sub-${spec.name}`, {
        spec,
        bus: exchange.bus,
        table: tables.get(spec.table)!,
        // Powertools Metrics reads its namespace and `service` dimension from these (the
        // contract-breach metric among them).
        environment: {
          ...secretEnvironment,
          POWERTOOLS_SERVICE_NAME: spec.name,
          POWERTOOLS_METRICS_NAMESPACE: CONTRACT_BREACH_METRIC.namespace,
        },
      });
      subscriptions.set(spec.name, subscription);
      alarms.watchDeadLetters(`Sub-${spec.name}`, subscription.deadLetterQueue, `subscription ${spec.name}`);
      alarms.watchFunction(`Sub-${spec.name}`, subscription.handler, `The ${spec.name} subscription handler`);
    }

    const api = new ExchangeApi(this, 'Apis', {
      commandApis: props.topology.commandApis,
      queryApis: props.topology.queryApis,
      tables,
      bus: exchange.bus,
      publisherRoles: exchange.publisherRoles,
      environment: secretEnvironment,
      retainData: props.retainData,
      ...(props.firewall === false
        ? {}
        : { firewall: props.firewall ?? { rateLimitPerFiveMinutes: DEFAULT_API_RATE_LIMIT } }),
    });
    for (const [name, fn] of api.functions) alarms.watchFunction(name, fn, `The ${name} API function`);
    alarms.watchDeadLetters('ScheduledCheck', api.scheduledCheckDeadLetters, 'the nightly overstay check');

    const logSubscription = props.topology.subscriptions.find((s) => s.table === EXCHANGE_LOG_TABLE);
    if (!logSubscription)
      throw new Error(
        `the topology has no subscription owning the ${EXCHANGE_LOG_TABLE} table, which the exchange routes ` +
          `count events by`,
      );
    const routes = new ExchangeRoutes(this, 'ExchangeRoutes', {
      api,
      topology: props.topology,
      queues: subscriptions,
      logSubscription: logSubscription.name,
      exchangeLog: tables.get(EXCHANGE_LOG_TABLE)!,
      operatorRoles: api.operatorRoles,
      publisherRoles: exchange.publisherRoles,
    });
    alarms.watchFunction('ExchangeRoutes', routes.handler, 'The exchange API function (console exchange page)');
    alarms.watchFunction('Whoami', routes.whoami, 'The whoami function (console sign-in)');
    const transparency = new TransparencyLog(this, 'Transparency', {
      exchangeLog: tables.get(EXCHANGE_LOG_TABLE)!,
      accessLedger: tables.get('AccessLedger')!,
      retentionDays: props.checkpointRetentionDays ?? (props.retainData ? 3650 : 1),
      checkpointEvery: { entries: 1000, seconds: 10 },
      retainData: props.retainData,
      environment: { POWERTOOLS_SERVICE_NAME: 'transparency-checkpointer' },
    });
    alarms.watchFunction(
      'TransparencyCheckpointer',
      transparency.checkpointer,
      'The Merkle log checkpointer (a failure may mean a log no longer matches what it signed)',
    );

    // The roles' names on the local cloud, which callers' ARNs carry there (infra/local/template/names.ts).
    const localName = (role: Role, name: string) =>
      (role.node.defaultChild as CfnResource).addMetadata(LOCAL_NAME_METADATA, name);
    for (const [agency, role] of exchange.publisherRoles) localName(role, `mx-agency-${agency}`);
    for (const [ministry, role] of api.operatorRoles) localName(role, `mx-operator-${ministry}`);
    localName(routes.platformRole, 'mx-platform-operator');

    new CfnOutput(this, 'ApiUrl', {
      value: api.api.url,
      description: 'Base URL of the command and query APIs, stage included',
    });
    new CfnOutput(this, 'ApiAccessLogGroup', {
      value: api.accessLogs.logGroupName,
      description: 'One JSON line per API request: caller ARN, request id, resource, status',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'ContractBreachMetricName', {
      value: CONTRACT_BREACH_METRIC.metricName,
      description: `Namespace ${CONTRACT_BREACH_METRIC.namespace}, dimension service=${CONTRACT_BREACH_METRIC.service}`,
    });
    new CfnOutput(this, 'ContractBreachMetricNamespace', { value: CONTRACT_BREACH_METRIC.namespace });
    for (const [ministry, role] of api.operatorRoles)
      new CfnOutput(this, `OperatorRole${ministry.replace(/-/g, '')}`, { value: role.roleArn });
    new CfnOutput(this, 'PlatformOperatorRole', {
      value: routes.platformRole.roleArn,
      description: 'Every queue, dead letter and breach of the exchange',
    });
    if (props.console !== false) {
      const hosting = new ConsoleHosting(this, 'Console', { api: api.api });
      new CfnOutput(this, 'ConsoleUrl', {
        value: hosting.url,
        description:
          "The operator console (sign in with an operator role's temporary keys); npx mx smoke --console <ConsoleUrl>",
      });
    }

    new SchemaRegistry(this, 'Contract', { definitions: CATALOG });
    new CfnOutput(this, 'EventBusName', { value: exchange.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: exchange.bus.eventBusArn });
    for (const [agency, role] of exchange.publisherRoles)
      new CfnOutput(this, `PublisherRole${agency.replace(/-/g, '')}`, { value: role.roleArn });
  }
}
