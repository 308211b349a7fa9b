import { Stack } from 'aws-cdk-lib';
import { AuthorizationType, LambdaIntegration, MethodLoggingLevel, RestApi, EndpointType } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountRootPrincipal, PolicyStatement, Role, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MINISTRIES, type CommandApiSpec, type Ministry, type QueryApiSpec } from '../topology.ts';
import { ExchangeFunction } from './exchange-function.ts';

export interface ExchangeApiProps {
  readonly commandApis: readonly CommandApiSpec[];
  readonly queryApis: readonly QueryApiSpec[];
  readonly tables: ReadonlyMap<string, ITable>;
  readonly bus: IEventBus;
  readonly publisherRoles: ReadonlyMap<string, IRole>;
  readonly environment: Record<string, string>;
}

/**
 * The REST API (API Gateway v1, so LocalStack's free tier deploys it too),
 * IAM-authorised: agencies' roles may POST their systems' commands; one
 * operator role per ministry may GET only its own view. Each function may
 * touch only its own table (and the query functions may only append to the
 * access ledger).
 */
export class ExchangeApi extends Construct {
  readonly api: RestApi;
  readonly operatorRoles: ReadonlyMap<Ministry, Role>;

  constructor(scope: Construct, id: string, props: ExchangeApiProps) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      description: 'migration-exchange: agency command APIs and ministry query APIs',
      endpointTypes: [EndpointType.REGIONAL],
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: { stageName: 'v1', loggingLevel: MethodLoggingLevel.ERROR, metricsEnabled: true },
    });
    const commands = this.api.root.addResource('commands');
    // Role name → agency, so a command handler knows which agency an assumed role belongs to.
    const agencyRoles = Stack.of(this).toJsonString(Object.fromEntries([...props.publisherRoles].map(([agency, role]) => [role.roleName, agency])));

    for (const spec of props.commandApis) {
      const fn = new ExchangeFunction(this, `Commands-${spec.system}`, {
        handlerModule: spec.handler,
        description: `${spec.system} command API`,
        environment: { ...props.environment, SYSTEM: spec.system, EVENT_BUS_NAME: props.bus.eventBusName, AGENCY_ROLES: agencyRoles },
      }).bindTable(props.tables.get(spec.table)!);
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.bus.eventBusArn], conditions: { StringEquals: { 'events:source': [...spec.publishes] } } }),
      );
      const method = commands.addResource(spec.system).addMethod('POST', new LambdaIntegration(fn));
      if (spec.system === 'berkut') {
        // The Interior's scheduled check: every night, raise OverstayDetected for stays that ended with no exit.
        new Rule(this, 'OverstayCheck', { description: 'Daily overstay check of the Berkut registry', schedule: Schedule.cron({ hour: '1', minute: '30' }), targets: [new LambdaFunction(fn)] });
      }
      for (const agency of spec.agencies) {
        props.publisherRoles.get(agency)!.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [method.methodArn] }));
      }
    }

    const views = this.api.root.addResource('api').addResource('views');
    const operatorRoles = new Map<Ministry, Role>();
    for (const ministry of MINISTRIES) {
      operatorRoles.set(ministry, new Role(this, `Operator-${ministry}`, { assumedBy: new AccountRootPrincipal(), description: `Operators of the ${ministry} ministry: read its view only` }));
    }
    for (const spec of props.queryApis) {
      const view = props.tables.get(spec.table)!;
      const ledger = props.tables.get(spec.ledger)!;
      const fn = new ExchangeFunction(this, `Queries-${spec.ministry}`, {
        handlerModule: spec.handler,
        description: `${spec.ministry} view query API`,
        environment: { ...props.environment, MINISTRY: spec.ministry, TABLE_NAME: view.tableName, LEDGER_TABLE: ledger.tableName },
      });
      view.grantReadData(fn);
      // Append-only: a query function may add and read ledger entries, never change or remove them.
      fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:Query'], resources: [ledger.tableArn] }));
      const resource = views.addResource(spec.ministry).addResource('{resource}');
      const method = resource.addMethod('GET', new LambdaIntegration(fn));
      operatorRoles.get(spec.ministry)!.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [method.methodArn] }));
    }
    this.operatorRoles = operatorRoles;
  }
}
