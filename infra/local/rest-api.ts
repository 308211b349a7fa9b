/**
 * The REST APIs of the CDK app (API Gateway v1 with IAM authorisation) on the
 * local cloud: the agency systems' command APIs (POST /commands/<system>) and
 * the ministries' query APIs (GET /api/views/<ministry>/...). Requests are
 * SigV4-signed for service `execute-api`; the same handler modules as in
 * Lambda run in-process with an API Gateway proxy event.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { documentClient } from '../../functions/lib/document-client.ts';
import type { AwsClientSettings } from '../../functions/lib/lambda-entry.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Ministry, Topology } from '../topology.ts';
import type { CloudCredentials, KeyPair, Principal } from './credentials.ts';
import { loadHandler } from './handlers.ts';
import type { InProcessHttpHandler, RawRequest } from './in-process-http.ts';
import type { RequestSigner } from '@smithy/types';
import { noteRefusal } from './aws-protocol.ts';
import { depthProblem } from './json-limits.ts';
import { listBreaches } from '../../functions/exchange-log/breaches.ts';
import { breachPartitionsFor as partitionsFor, breachRequest, ExchangeRefusal, mayInspectQueues, redriveTarget } from '../../functions/exchange-api/scope.ts';
import type { QueueScope } from './queue-scope.ts';
import { AuthError } from './sigv4.ts';
import { whoami } from '../../functions/query-api/whoami.ts';

type ApiHandler = (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;
/** A route's handler: a Lambda handler, or a built-in one that also sees who is calling. */
type RouteHandler = (event: APIGatewayProxyEvent, context: unknown, principal: Principal) => Promise<APIGatewayProxyResult>;

export interface RestApiOptions {
  readonly region: string;
  readonly secret: string;
  /** Configuration for SDK clients that reach the cloud in-process, as the principal whose keys they are given. */
  readonly clientConfig: (keys: KeyPair) => { endpoint: string; region: string; credentials: KeyPair; requestHandler: InProcessHttpHandler; signer: RequestSigner };
  /** SDK settings for a function the API runs, publishing as `publisher` where it publishes for an agency. */
  readonly functionConfig: (publisher?: KeyPair) => AwsClientSettings;
  readonly credentials: CloudCredentials;
  readonly tableName: (id: string) => string;
  readonly authenticate: (request: RawRequest) => Promise<Principal & { service: string }>;
  /**
   * The exchange's own state, for the console's exchange page (built into the
   * local cloud, not a Lambda), each call limited to the caller's scope.
   */
  readonly exchange: {
    scope(principal: Principal): QueueScope;
    health(scope: QueueScope): unknown;
    deadLetters(scope: QueueScope): unknown[];
    redrive(queue: string): Promise<number>;
    deadLetterQueueName(subscription: string): string;
  };
  readonly log?: (message: string) => void;
}

/** The IAM role names the local cloud presents as callers (the CDK app creates roles per agency and per ministry). */
export const agencyRoleName = (agency: Ministry) => `mx-agency-${agency}`;
export const operatorRoleName = (ministry: Ministry) => `mx-operator-${ministry}`;

interface Route {
  readonly pattern: RegExp;
  readonly method: 'GET' | 'POST';
  readonly resource: string;
  /** Which principals may call it; a string is the refusal. */
  readonly allow: (principal: Principal) => true | string;
  readonly handler: RouteHandler;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const error = status >= 400 ? errorOf(text) : undefined;
  if (error) noteRefusal(res, error.code, error.message);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    // API Gateway names its own refusals in this header; the handlers' are named in their body.
    ...(error ? { 'x-amzn-errortype': error.code } : {}),
  });
  res.end(text);
}

function errorOf(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; message?: unknown };
    if (body.error) return { code: String(body.error.code ?? 'error'), message: String(body.error.message ?? '') };
    return { code: 'error', message: String(body.message ?? '') };
  } catch {
    return { code: 'error', message: text.slice(0, 200) };
  }
}

const lambda =
  (handler: ApiHandler): RouteHandler =>
  (event, context) =>
    handler(event, context);

/** The breaches partitions a caller may read (functions/exchange-api/scope.ts, shared with the AWS exchange API). */
export function breachPartitionsFor(topology: Topology, principal: Principal): string[] {
  return partitionsFor(topology, principal);
}

function callerArn(principal: Principal): string {
  if (principal.kind === 'agency') return `arn:aws:sts::000000000000:assumed-role/${agencyRoleName(principal.id)}/local`;
  if (principal.kind === 'operator') return `arn:aws:sts::000000000000:assumed-role/${operatorRoleName(principal.ministry)}/local`;
  return 'arn:aws:iam::000000000000:root';
}

export class RestApi {
  private constructor(
    private readonly routes: readonly Route[],
    private readonly options: RestApiOptions,
    private readonly disposables: { destroy(): void }[],
  ) {}

  static async load(topology: Topology, options: RestApiOptions): Promise<RestApi> {
    const disposables: { destroy(): void }[] = [];
    const dynamo = new DynamoDBClient(options.clientConfig({ ...options.credentials.platform }));
    disposables.push(dynamo);
    const readOnly = { dynamo: documentClient(dynamo) };
    const common = {
      PERSON_KEY_SECRET: options.secret,
      AWS_REGION: options.region,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    };

    const routes: Route[] = [];
    const roles = Object.fromEntries(topology.agencies.map((a) => [agencyRoleName(a.id), a.id]));
    const operatorRoles = Object.fromEntries(topology.queryApis.map((q) => [operatorRoleName(q.ministry), q.ministry]));
    for (const spec of topology.commandApis) {
      const env = {
        ...common,
        SYSTEM: spec.system,
        TABLE_NAME: options.tableName(spec.table),
        IDEMPOTENCY_TABLE: options.tableName(spec.idempotencyTable),
        EVENT_BUS_NAME: topology.busName,
        AGENCY_ROLES: JSON.stringify(roles),
        POWERTOOLS_SERVICE_NAME: `command-${spec.system}`,
      };
      // One function per calling agency: its events go out as that agency, whose sources the bus checks.
      const handlers = new Map<Ministry, ApiHandler>();
      for (const agency of spec.agencies) {
        handlers.set(agency, await loadHandler<ApiHandler>(REPO_ROOT, spec.handler, env, options.functionConfig({ ...options.credentials.agencies[agency] })));
      }
      routes.push({
        pattern: new RegExp(`^/commands/${spec.system}/?$`),
        method: 'POST',
        resource: '/commands/{system}',
        allow: (p) => (p.kind === 'agency' && spec.agencies.includes(p.id) ? true : `${p.kind === 'agency' ? p.id : 'this caller'} may not issue ${spec.system} commands; ${spec.system} serves ${spec.agencies.join(', ')}`),
        handler: (event, context, principal) => handlers.get((principal as { id: Ministry }).id)!(event, context),
      });
    }
    for (const spec of topology.queryApis) {
      const env = {
        ...common,
        MINISTRY: spec.ministry,
        TABLE_NAME: options.tableName(spec.table),
        LEDGER_TABLE: options.tableName(spec.ledger),
        POWERTOOLS_SERVICE_NAME: `query-${spec.ministry}`,
      };
      const handler = await loadHandler<ApiHandler>(REPO_ROOT, spec.handler, env, options.functionConfig());
      routes.push({
        pattern: new RegExp(`^/api/views/${spec.ministry}/[a-z]+/?$`),
        method: 'GET',
        resource: `/api/views/${spec.ministry}/{resource}`,
        allow: (p) => (p.kind === 'operator' && p.ministry === spec.ministry ? true : `only ${spec.ministry} operators may read the ${spec.ministry} view`),
        handler: lambda(handler),
      });
    }
    // Operators see and act on their own ministry's queues only; the platform on all. The rules, and every refusal's
    // wording, are functions/exchange-api/scope.ts, which the exchange API function follows on AWS.
    const operators = mayInspectQueues;
    const builtIn =
      (handle: (event: APIGatewayProxyEvent, principal: Principal) => Promise<unknown> | unknown): RouteHandler =>
      async (event, _context, principal) => {
        try {
          return { statusCode: 200, body: JSON.stringify(await handle(event, principal)) };
        } catch (error) {
          const refusal = error instanceof ExchangeRefusal ? error : new ExchangeRefusal(400, 'bad-request', (error as Error).message);
          return { statusCode: refusal.status, body: JSON.stringify({ error: { code: refusal.code, message: refusal.message } }) };
        }
      };
    const exchange = options.exchange;
    const redrive = async (event: APIGatewayProxyEvent, principal: Principal) => {
      const queue = event.queryStringParameters?.queue;
      redriveTarget(topology, exchange.scope(principal), principal, queue, exchange.deadLetterQueueName);
      return { queue, redriven: await exchange.redrive(queue!) };
    };
    routes.push(
      {
        pattern: /^\/api\/exchange\/health\/?$/,
        method: 'GET',
        resource: '/api/exchange/health',
        allow: operators,
        handler: builtIn((_event, principal) => exchange.health(exchange.scope(principal))),
      },
      {
        pattern: /^\/api\/exchange\/dead-letters\/?$/,
        method: 'GET',
        resource: '/api/exchange/dead-letters',
        allow: operators,
        handler: builtIn((_event, principal) => ({ deadLetters: exchange.deadLetters(exchange.scope(principal)) })),
      },
      { pattern: /^\/api\/exchange\/dead-letters\/redrive\/?$/, method: 'POST', resource: '/api/exchange/dead-letters/redrive', allow: operators, handler: builtIn(redrive) },
      {
        // Who the signed caller is (the console's sign-in); the same pure function a Lambda serves on AWS.
        pattern: /^\/api\/whoami\/?$/,
        method: 'GET',
        resource: '/api/whoami',
        allow: () => true,
        handler: builtIn((_event, principal) => whoami(callerArn(principal), { operators: operatorRoles, agencies: roles })),
      },
      {
        pattern: /^\/api\/exchange\/breaches\/?$/,
        method: 'GET',
        resource: '/api/exchange/breaches',
        // The agency that sent them sees its own; a ministry's operator those of its agency's sources; the platform all.
        allow: () => true,
        handler: builtIn(async (event, principal) => {
          const { partitions, limit } = breachRequest(breachPartitionsFor(topology, principal), event.queryStringParameters);
          return listBreaches(readOnly.dynamo, options.tableName('ExchangeLog'), { partitions, limit });
        }),
      },
    );
    return new RestApi(routes, options, disposables);
  }

  handles(url: string): boolean {
    return url.startsWith('/commands/') || url.startsWith('/api/');
  }

  async serve(request: RawRequest, res: ServerResponse): Promise<void> {
    const url = new URL(request.url, 'http://local');
    const route = this.routes.find((r) => r.pattern.test(url.pathname));
    if (!route) return send(res, 404, { error: { code: 'not-found', message: `no API route ${request.method} ${url.pathname}` } });
    let principal: Principal & { service: string };
    try {
      principal = await this.options.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) {
        // API Gateway answers 403 to an unsigned request; 401 says more plainly what is missing.
        const status = error.code === 'MissingAuthenticationTokenException' ? 401 : 403;
        return send(res, status, { error: { code: error.code, message: error.message } });
      }
      throw error;
    }
    if (principal.service !== 'execute-api') {
      return send(res, 403, { error: { code: 'InvalidSignatureException', message: `sign API requests for service execute-api, not ${principal.service}` } });
    }
    const allowed = route.allow(principal);
    if (allowed !== true) return send(res, 403, { error: { code: 'forbidden', message: allowed } });
    if (request.method !== route.method) return send(res, 405, { error: { code: 'method-not-allowed', message: `${route.resource} takes ${route.method}` } });
    // Bounded before a handler parses it, so nothing recursive behind it (validation, logging, the events it publishes) meets it.
    const tooDeep = depthProblem(request.body);
    if (tooDeep) return send(res, 400, { error: { code: 'bad-request', message: `the request body is ${tooDeep}` } });
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => (query[key] = value));
    const event = {
      body: request.body.length ? request.body.toString('utf8') : null,
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      multiValueHeaders: {},
      httpMethod: request.method,
      isBase64Encoded: false,
      path: url.pathname,
      pathParameters: null,
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      resource: route.resource,
      requestContext: { identity: { userArn: callerArn(principal) } },
    } as unknown as APIGatewayProxyEvent;
    const context = { functionName: route.resource, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30_000 };
    let result: APIGatewayProxyResult;
    try {
      result = await route.handler(event, context, principal);
    } catch (error) {
      // What API Gateway answers when the function fails; the cause stays in the log.
      this.options.log?.(`${route.resource}: handler failed: ${(error as Error)?.stack ?? String(error)}`);
      return send(res, 502, { message: 'Internal server error' });
    }
    send(res, result.statusCode, result.body);
  }

  dispose(): void {
    for (const d of this.disposables) d.destroy();
  }
}
