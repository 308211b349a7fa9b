import { type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  type RequestValidator,
  type Resource,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountRootPrincipal, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { type CommandApiSpec, MINISTRIES, type Ministry, type QueryApiSpec } from '../topology.ts';
import { ApiFirewall } from './api-firewall.ts';
import { ExchangeFunction } from './exchange-function.ts';

export interface ExchangeApiProps {
  readonly commandApis: readonly CommandApiSpec[];
  readonly queryApis: readonly QueryApiSpec[];
  readonly tables: ReadonlyMap<string, ITable>;
  readonly bus: IEventBus;
  readonly publisherRoles: ReadonlyMap<string, IRole>;
  readonly environment: Record<string, string>;
  /** Keep the access log (the audit trail) when the stack is deleted. */
  readonly retainData: boolean;
  /** The WAF web ACL on the stage; `undefined` deploys none (LocalStack's free tier has no WAFv2). */
  readonly firewall?: { readonly rateLimitPerFiveMinutes: number };
}

/** The stage callers address: part of every URL (`…/v1/commands/berkut`). */
export const API_STAGE = 'v1';

/**
 * One JSON line per request: who (the caller's IAM ARN), what (method and
 * resource), the outcome, and ids to find the request in the execution logs.
 * The path is logged without its query string, which carries the identities
 * a person read looks up.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: AccessLogField.contextRequestId(),
  extendedRequestId: AccessLogField.contextExtendedRequestId(),
  requestTime: AccessLogField.contextRequestTime(),
  caller: AccessLogField.contextIdentityUserArn(),
  callerAccount: AccessLogField.contextIdentityAccountId(),
  sourceIp: AccessLogField.contextIdentitySourceIp(),
  userAgent: AccessLogField.contextIdentityUserAgent(),
  httpMethod: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  path: AccessLogField.contextPath(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  responseLatency: AccessLogField.contextResponseLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  errorType: AccessLogField.contextErrorResponseType(),
  errorMessage: AccessLogField.contextErrorMessage(),
  wafStatus: AccessLogField.contextWafStatus(),
};

/** Mirrors MAX_COMMANDS in functions/command-api/handler.ts. */
const MAX_COMMANDS_PER_REQUEST = 100;

/**
 * The REST API (API Gateway v1, so LocalStack's free tier deploys it too),
 * IAM-authorised: agencies' roles may POST their systems' commands; one
 * operator role per ministry may GET only its own view. Each function may
 * touch only its own table (and the query functions may only append to the
 * access ledger). Every request lands in a JSON access log; malformed command
 * bodies are refused at the gateway, naming what is wrong.
 */
export class ExchangeApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  readonly operatorRoles: ReadonlyMap<Ministry, Role>;
  /** Every function behind the API, by a stable name (`commands-berkut`, `queries-labour`). */
  readonly functions: ReadonlyMap<string, ExchangeFunction>;
  /** Where the nightly overstay check lands when it cannot be delivered or keeps failing. */
  readonly scheduledCheckDeadLetters: Queue;
  readonly firewall?: ApiFirewall;
  /** `/api`, under which the views and the exchange routes live. */
  readonly apiResource: Resource;
  /** The API's one request validator (bodies and parameters). */
  readonly validator: RequestValidator;

  constructor(scope: Construct, id: string, props: ExchangeApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'migration-exchange: agency command APIs and ministry query APIs',
      endpointTypes: [EndpointType.REGIONAL],
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: API_STAGE,
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // API Gateway's account-level logging role, which access and execution logging need (CDK creates it with the API).
    NagSuppressions.addResourceSuppressions(this.api.node.findChild('CloudWatchRole'), [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "API Gateway's account-level CloudWatch Logs role, one per account and region and shared by every REST " +
          'API there: AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents and maintains for it; a ' +
          "copy scoped to this API's log groups would break logging for every other API in the account.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      },
    ]);
    if (props.firewall) {
      this.firewall = new ApiFirewall(this, 'Firewall', {
        stage: this.api.deploymentStage,
        rateLimitPerFiveMinutes: props.firewall.rateLimitPerFiveMinutes,
      });
    } else {
      NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
        {
          id: 'AwsSolutions-APIG3',
          reason:
            'Deployed without its WAF web ACL on request (context waf=false), for LocalStack whose free tier has ' +
            'no WAFv2; deployments to AWS keep the firewall.',
        },
      ]);
    }

    // One validator for the whole API (AwsSolutions-APIG2 asks for body and parameter validation together).
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.validator = validator;
    this.refuseNamingTheProblem();
    const commandModel = this.commandRequestModel();

    const commands = this.api.root.addResource('commands');
    // Role name → agency, so a command handler knows which agency an assumed role belongs to.
    const agencyRoles = Stack.of(this).toJsonString(
      Object.fromEntries([...props.publisherRoles].map(([agency, role]) => [role.roleName, agency])),
    );
    this.scheduledCheckDeadLetters = new Queue(this, 'ScheduledCheckDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const functions = new Map<string, ExchangeFunction>();
    for (const spec of props.commandApis) {
      const scheduled = spec.system === 'berkut';
      const fn = new ExchangeFunction(this, `Commands-${spec.system}`, {
        handlerModule: spec.handler,
        description: `${spec.system} command API`,
        environment: {
          ...props.environment,
          SYSTEM: spec.system,
          EVENT_BUS_NAME: props.bus.eventBusName,
          AGENCY_ROLES: agencyRoles,
        },
        // The scheduled check is an asynchronous invocation: Lambda retries a failed run twice, then parks the event.
        ...(scheduled
          ? { deadLetterQueue: this.scheduledCheckDeadLetters, retryAttempts: 2, maxEventAge: Duration.hours(6) }
          : {}),
      }).bindTable(props.tables.get(spec.table)!);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': [...spec.publishes] } },
        }),
      );
      // Powertools Idempotency remembers answered commands; each system reads and writes only its own keys.
      const idempotency = props.tables.get(spec.idempotencyTable)!;
      fn.addEnvironment('IDEMPOTENCY_TABLE', idempotency.tableName);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [idempotency.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`commands-${spec.system}#*`] } },
        }),
      );
      const method = commands.addResource(spec.system).addMethod('POST', new LambdaIntegration(fn), {
        requestValidator: validator,
        // `$default`: validate whatever Content-Type the caller declares, not only application/json.
        requestModels: { $default: commandModel },
      });
      suppressCognito(method);
      if (scheduled) {
        // The Interior's scheduled check: every night, raise OverstayDetected for stays that ended with no exit.
        // Like every other target, EventBridge retries a failed delivery and then parks
        // the event instead of dropping it.
        new Rule(this, 'OverstayCheck', {
          description: 'Daily overstay check of the Berkut registry',
          schedule: Schedule.cron({ hour: '1', minute: '30' }),
          targets: [
            new LambdaFunction(fn, {
              deadLetterQueue: this.scheduledCheckDeadLetters,
              retryAttempts: 185,
              maxEventAge: Duration.hours(24),
            }),
          ],
        });
      }
      for (const agency of spec.agencies) {
        props.publisherRoles
          .get(agency)!
          .addToPrincipalPolicy(
            new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [method.methodArn] }),
          );
      }
      functions.set(`commands-${spec.system}`, fn);
    }

    this.apiResource = this.api.root.addResource('api');
    const views = this.apiResource.addResource('views');
    const operatorRoles = new Map<Ministry, Role>();
    for (const ministry of MINISTRIES) {
      operatorRoles.set(
        ministry,
        new Role(this, `Operator-${ministry}`, {
          assumedBy: new AccountRootPrincipal(),
          description: `Operators of the ${ministry} ministry: read its view only`,
        }),
      );
    }
    for (const spec of props.queryApis) {
      const view = props.tables.get(spec.table)!;
      const ledger = props.tables.get(spec.ledger)!;
      const fn = new ExchangeFunction(this, `Queries-${spec.ministry}`, {
        handlerModule: spec.handler,
        description: `${spec.ministry} view query API`,
        environment: {
          ...props.environment,
          MINISTRY: spec.ministry,
          TABLE_NAME: view.tableName,
          LEDGER_TABLE: ledger.tableName,
        },
      });
      view.grantReadData(fn);
      // Append-only: a query function may add and read ledger entries, never change or remove them.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem'],
          resources: [ledger.tableArn],
        }),
      );
      // Its one update: claiming a leaf of the ledger's Merkle tree on the `#merkle` counter
      // (functions/merkle/sequencer.ts).
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [ledger.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#merkle'] } },
        }),
      );
      const resource = views.addResource(spec.ministry).addResource('{resource}');
      const method = resource.addMethod('GET', new LambdaIntegration(fn), {
        requestValidator: validator,
        requestParameters: { 'method.request.path.resource': true },
      });
      suppressCognito(method);
      const operator = operatorRoles.get(spec.ministry)!;
      operator.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [method.methodArn] }),
      );
      NagSuppressions.addResourceSuppressions(
        operator,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              `The * is the {resource} path parameter of the one GET method on the ${spec.ministry} view ` +
              `(stats, person, lineage, accesses): the role may invoke nothing else, and the query function ` +
              `answers an unknown resource with 404.`,
            appliesTo: [this.methodArnAsNagSees(spec.ministry)],
          },
        ],
        true,
      );
      functions.set(`queries-${spec.ministry}`, fn);
    }
    this.operatorRoles = operatorRoles;
    this.functions = functions;
  }

  /**
   * `{ command, input }` or `{ commands: [...] }`, as functions/command-api/handler.ts reads it;
   * the handler checks each input.
   */
  private commandRequestModel() {
    const command = { type: JsonSchemaType.STRING, minLength: 1, maxLength: 100 };
    const single = {
      command,
      input: { type: JsonSchemaType.OBJECT },
      occurredAt: { type: JsonSchemaType.STRING, maxLength: 64 },
      correlationId: { type: JsonSchemaType.STRING, maxLength: 128 },
      // A retry under the same id gets the first answer (functions/command-api/idempotency.ts).
      commandId: { type: JsonSchemaType.STRING, pattern: '^[A-Za-z0-9._:#-]{1,128}$' },
    };
    return this.api.addModel('CommandRequest', {
      description: 'One command { command, input } or a batch { commands: [...], ordered }',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'CommandRequest',
        type: JsonSchemaType.OBJECT,
        properties: {
          ...single,
          commands: {
            type: JsonSchemaType.ARRAY,
            minItems: 1,
            maxItems: MAX_COMMANDS_PER_REQUEST,
            items: { type: JsonSchemaType.OBJECT, required: ['command', 'input'], properties: single },
          },
          ordered: { type: JsonSchemaType.BOOLEAN },
        },
        anyOf: [{ required: ['command', 'input'] }, { required: ['commands'] }],
      },
    });
  }

  /** API Gateway's own refusals answer in the handlers' error shape and say what failed validation. */
  private refuseNamingTheProblem() {
    const refusal = (code: string) => ({
      'application/json':
        `{"error":{"code":"${code}` +
        `","message":$context.error.messageString,"issues":"$context.error.validationErrorString"}}`,
    });
    this.api.addGatewayResponse('BadRequestBody', {
      type: ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      templates: refusal('invalid-body'),
    });
    this.api.addGatewayResponse('BadRequestParameters', {
      type: ResponseType.BAD_REQUEST_PARAMETERS,
      statusCode: '400',
      templates: refusal('invalid-parameters'),
    });
  }

  /**
   * The operator's method ARN as cdk-nag renders it in an AwsSolutions-IAM5 finding, so the
   * suppression matches only that ARN.
   */
  private methodArnAsNagSees(ministry: Ministry): string {
    const logicalId = (resource: Construct) =>
      Stack.of(this).resolve((resource.node.defaultChild as CfnResource).logicalId) as string;
    return (
      `Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(this.api)}>/<` +
      `${logicalId(this.api.deploymentStage)}>/GET/api/views/${ministry}/*`
    );
  }
}

/** cdk-nag's AwsSolutions-COG4 (no Cognito authorizer) on a method, with the design's reason. */
export function suppressCognito(method: Method): void {
  NagSuppressions.addResourceSuppressions(method, [
    {
      id: 'AwsSolutions-COG4',
      reason:
        'IAM (SigV4) authorisation is the design: callers are agency systems and ministry operators acting ' +
        'through per-agency and per-ministry IAM roles, each allowed execute-api:Invoke on exactly its methods. ' +
        'There are no end-user accounts for a Cognito user pool to hold.',
    },
  ]);
}
