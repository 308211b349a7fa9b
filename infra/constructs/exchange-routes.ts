import { Aws, Stack } from 'aws-cdk-lib';
import { LambdaIntegration, type Method } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { type CallerKey, CONFIG_ENV, callerKeyOf, scopesFor } from '../../functions/exchange-api/config.ts';
import type { Caller } from '../../functions/exchange-api/scope.ts';
import type { Ministry, Topology } from '../topology.ts';
import { type ExchangeApi, suppressCognito } from './exchange-api.ts';
import { ExchangeFunction } from './exchange-function.ts';

export interface ExchangeRoutesProps {
  readonly api: ExchangeApi;
  readonly topology: Topology;
  /** Each subscription's queue and dead-letter queue, by subscription name. */
  readonly queues: ReadonlyMap<string, { readonly queue: IQueue; readonly deadLetterQueue: IQueue }>;
  /** The subscription every accepted event reaches (the exchange log's). */
  readonly logSubscription: string;
  /** The exchange log, whose sparse `breaches` index lists contract breaches. */
  readonly exchangeLog: ITable;
  readonly operatorRoles: ReadonlyMap<Ministry, IRole>;
  /** Each agency's publisher role, by agency id. */
  readonly publisherRoles: ReadonlyMap<string, IRole>;
}

/** The exchange log's index of contract breaches and id conflicts (infra/topology.ts). */
const BREACHES_INDEX = 'breaches';

/**
 * The console's routes beyond the views, on AWS: its exchange page (GET
 * /api/exchange/health, /dead-letters, /breaches and POST
 * /dead-letters/redrive, one function, functions/exchange-api, reading SQS,
 * CloudWatch and the exchange log's breaches index) and its sign-in (GET
 * /api/whoami). IAM authorises each role on exactly these methods: the
 * ministries' operators and a platform operator on all, the agencies'
 * publisher roles on their breaches and whoami; the exchange function scopes
 * each answer by the role that signed it, with the same rules as the local
 * cloud (functions/exchange-api/scope.ts).
 */
export class ExchangeRoutes extends Construct {
  readonly handler: ExchangeFunction;
  /** GET /api/whoami: the console's sign-in asks who the keys belong to (functions/query-api/whoami-handler.ts). */
  readonly whoami: ExchangeFunction;
  /** Sees and may redrive every subscription's queue, the exchange log's included. */
  readonly platformRole: Role;
  readonly methods: {
    readonly health: Method;
    readonly deadLetters: Method;
    readonly redrive: Method;
    readonly breaches: Method;
    readonly whoami: Method;
  };

  constructor(scope: Construct, id: string, props: ExchangeRoutesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.platformRole = new Role(this, 'PlatformOperator', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Platform operators: every subscription queue, dead letter and contract breach of the exchange',
    });

    const callers: { caller: Caller; role: IRole }[] = [
      { caller: { kind: 'platform' }, role: this.platformRole },
      ...[...props.operatorRoles].map(([ministry, role]) => ({
        caller: { kind: 'operator', ministry } as Caller,
        role,
      })),
      ...props.topology.agencies.flatMap((agency) => {
        const role = props.publisherRoles.get(agency.id);
        return role ? [{ caller: { kind: 'agency', id: agency.id, sources: agency.sources } as Caller, role }] : [];
      }),
    ];
    const queues = props.topology.subscriptions.map((s) => {
      const pair = props.queues.get(s.name);
      if (!pair)
        throw new Error(
          `ExchangeRoutes: subscription ${s.name} has no queues; queues were given for ` +
            `${[...props.queues.keys()].join(', ')}`,
        );
      return { subscription: s.name, ...pair };
    });
    // Read back by functions/exchange-api/config.ts; tokens resolve at deploy time.
    const config = {
      queueUrlPrefix: `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/`,
      queues: Object.fromEntries(queues.map((q) => [q.subscription, [q.queue.queueName, q.deadLetterQueue.queueName]])),
      logSubscription: props.logSubscription,
      breachesTable: props.exchangeLog.tableName,
      roles: Object.fromEntries(
        callers.map(({ caller, role }): [string, CallerKey] => [role.roleName, callerKeyOf(caller)]),
      ),
      scopes: scopesFor(
        props.topology,
        callers.map((c) => c.caller),
      ),
    };

    this.handler = new ExchangeFunction(this, 'Handler', {
      handlerModule: 'functions/exchange-api/handler.ts',
      description: 'Exchange health, dead letters and contract breaches for the operator console',
      environment: { [CONFIG_ENV]: stack.toJsonString(config), POWERTOOLS_SERVICE_NAME: 'exchange-api' },
    });
    const queueArns = queues.map((q) => q.queue.queueArn);
    const deadLetterArns = queues.map((q) => q.deadLetterQueue.queueArn);
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [...queueArns, ...deadLetterArns] }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({
        // Receive + ChangeMessageVisibility(Batch) list dead letters without consuming them. StartMessageMoveTask
        // redrives; SQS's move task then receives and deletes on the caller's behalf, so it needs DeleteMessage on the
        // dead-letter queue and SendMessage on the queue each message goes back to
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:StartMessageMoveTask', 'sqs:DeleteMessage'],
        resources: deadLetterArns,
      }),
    );
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: queueArns }));
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.exchangeLog.tableArn}/index/${BREACHES_INDEX}`],
      }),
    );
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    NagSuppressions.addResourceSuppressions(
      this.handler.role!,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'cloudwatch:GetMetricData supports no resource-level permissions and no condition on namespace or ' +
            'metric ' +
            '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html), so ' +
            'its only resource is *; it reads metric values and nothing else, and the function asks only for the ' +
            'AWS/SQS metrics of the subscription queues.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );

    const { api } = props;
    const integration = new LambdaIntegration(this.handler);
    const exchange = api.apiResource.addResource('exchange');
    const deadLetters = exchange.addResource('dead-letters');
    const routes = {
      health: exchange.addResource('health').addMethod('GET', integration),
      deadLetters: deadLetters.addMethod('GET', integration),
      redrive: deadLetters.addResource('redrive').addMethod('POST', integration, {
        requestValidator: api.validator,
        requestParameters: { 'method.request.querystring.queue': true },
      }),
      breaches: exchange.addResource('breaches').addMethod('GET', integration, {
        requestValidator: api.validator,
        requestParameters: { 'method.request.querystring.source': false, 'method.request.querystring.limit': false },
      }),
    };

    // The sign-in's question, answered from the role names alone, the same pure function as the local cloud's route.
    const roleNames = (kind: 'operator' | 'agency') =>
      stack.toJsonString(
        Object.fromEntries(
          callers.flatMap(({ caller, role }) =>
            caller.kind !== kind ? [] : [[role.roleName, caller.kind === 'operator' ? caller.ministry : caller.id]],
          ),
        ),
      );
    this.whoami = new ExchangeFunction(this, 'Whoami', {
      handlerModule: 'functions/query-api/whoami-handler.ts',
      description: 'Who the signed caller is (operator or agency, and its ministry), for the console sign-in',
      memorySize: 256,
      environment: { OPERATOR_ROLES: roleNames('operator'), AGENCY_ROLES: roleNames('agency') },
    });
    const whoami = api.apiResource.addResource('whoami').addMethod('GET', new LambdaIntegration(this.whoami));
    this.methods = { ...routes, whoami };
    for (const method of Object.values(this.methods)) suppressCognito(method);

    // Operators and the platform: every route (their answers scoped by role). Agencies: their breaches, and who they
    // are, so the console can tell agency keys to use operator keys.
    const everything = new PolicyStatement({
      actions: ['execute-api:Invoke'],
      resources: Object.values(this.methods).map((m) => m.methodArn),
    });
    const agencies = new PolicyStatement({
      actions: ['execute-api:Invoke'],
      resources: [this.methods.breaches.methodArn, this.methods.whoami.methodArn],
    });
    for (const { caller, role } of callers) role.addToPrincipalPolicy(caller.kind === 'agency' ? agencies : everything);
  }
}
