import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ExchangeBus } from '../constructs/exchange-bus.ts';
import { Subscription } from '../constructs/subscription.ts';
import { ExchangeApi } from '../constructs/exchange-api.ts';
import { checkTopology, type KeySpec, type Topology } from '../topology.ts';

export interface ExchangeStackProps extends StackProps {
  readonly topology: Topology;
  /** Keep tables and the archive when the stack is deleted (production). */
  readonly retainData: boolean;
  readonly archiveRetentionDays: number;
}

const attributeType = (key: KeySpec) => ({ name: key.name, type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING });

/** The whole exchange: bus, tables and one Subscription per topology entry. The stack only composes. */
export class ExchangeStack extends Stack {
  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, props);
    checkTopology(props.topology);

    const exchange = new ExchangeBus(this, 'Exchange', {
      agencies: props.topology.agencies,
      archiveRetentionDays: props.archiveRetentionDays,
    });

    const tables = new Map<string, Table>();
    for (const spec of props.topology.tables) {
      const table = new Table(this, spec.id, {
        partitionKey: attributeType(spec.partitionKey),
        ...(spec.sortKey ? { sortKey: attributeType(spec.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
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

    // Resolved by CloudFormation at deploy time from Secrets Manager.
    const secretEnvironment = { PERSON_KEY_SECRET: personKeySecret.secretValue.unsafeUnwrap() };
    for (const spec of props.topology.subscriptions) {
      new Subscription(this, `Sub-${spec.name}`, {
        spec,
        bus: exchange.bus,
        table: tables.get(spec.table)!,
        environment: { ...secretEnvironment, POWERTOOLS_SERVICE_NAME: spec.name },
      });
    }

    const api = new ExchangeApi(this, 'Apis', {
      commandApis: props.topology.commandApis,
      queryApis: props.topology.queryApis,
      tables,
      bus: exchange.bus,
      publisherRoles: exchange.publisherRoles,
      environment: secretEnvironment,
    });
    new CfnOutput(this, 'ApiUrl', { value: api.api.url });
    for (const [ministry, role] of api.operatorRoles) new CfnOutput(this, `OperatorRole${ministry.replace(/-/g, '')}`, { value: role.roleArn });

    new CfnOutput(this, 'EventBusName', { value: exchange.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: exchange.bus.eventBusArn });
    for (const [agency, role] of exchange.publisherRoles) new CfnOutput(this, `PublisherRole${agency.replace(/-/g, '')}`, { value: role.roleArn });
  }
}
