/**
 * The REST API of the template (API Gateway v1 with IAM authorisation) on the
 * local cloud: every `AWS::ApiGateway::Method` with a Lambda proxy
 * integration, served by the function the template integrates, built from
 * its module with the template's environment (./function-runtime.ts).
 * Requests are SigV4-signed for service `execute-api`.
 *
 * The exchange page's routes (health, dead letters, redrive, breaches) are
 * the template's ExchangeRoutes function here as on AWS, reading the local
 * SQS and CloudWatch (./cloudwatch.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { breachPartitionsFor as partitionsFor } from '../../functions/exchange-api/scope.ts';
import type { Topology } from '../topology.ts';
import type { Authorize, Caller } from './authorize.ts';
import { noteRefusal } from './aws-protocol.ts';
import type { Principal } from './credentials.ts';
import type { LocalInvocable } from './function-runtime.ts';
import type { RawRequest } from './in-process-http.ts';
import { depthProblem } from './json-limits.ts';
import { AuthError } from './sigv4.ts';
import type { LocalRoute } from './template/resources/api-routes.ts';

export { agencyRoleName, operatorRoleName } from './callers.ts';

type ApiHandler = (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;

export interface RestApiOptions {
  readonly topology: Topology;
  readonly routes: readonly LocalRoute[];
  /** The function behind a route (built from the template), by its logical id. */
  readonly functionOf: (logicalId: string) => Promise<LocalInvocable<ApiHandler> | undefined>;
  readonly authenticate: (request: RawRequest) => Promise<Caller & { service: string }>;
  readonly authorize: Authorize;
  readonly log?: (message: string) => void;
}

interface Route {
  readonly method: string;
  readonly resource: string;
  readonly pattern: RegExp;
  readonly parameters: readonly string[];
  readonly invoke: (event: APIGatewayProxyEvent, context: unknown, caller: Caller) => Promise<APIGatewayProxyResult>;
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

/** The breaches partitions a caller may read (functions/exchange-api/scope.ts, shared with the AWS exchange API). */
export function breachPartitionsFor(topology: Topology, principal: Principal): string[] {
  return partitionsFor(topology, principal);
}

/** `/api/views/interior/{resource}` → a pattern with one group per path parameter (a trailing slash allowed). */
function patternOf(resource: string): { pattern: RegExp; parameters: string[] } {
  const parameters: string[] = [];
  const source = resource
    .split('/')
    .map((part) => {
      const parameter = /^\{(\w+)\}$/.exec(part);
      if (!parameter) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameters.push(parameter[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), parameters };
}

export class RestApi {
  private readonly routes: readonly Route[];

  constructor(private readonly options: RestApiOptions) {
    this.routes = options.routes.map((route) => {
      const { pattern, parameters } = patternOf(route.resource);
      const invoke: Route['invoke'] = async (event, context) => {
        const fn = await options.functionOf(route.functionLogicalId);
        if (!fn) throw new Error(`no function ${route.functionLogicalId} runs locally`);
        return fn.handler(event, context);
      };
      return {
        method: route.method,
        resource: route.resource,
        pattern,
        parameters,
        invoke,
      };
    });
  }

  handles(url: string): boolean {
    return url.startsWith('/commands/') || url.startsWith('/api/');
  }

  async serve(request: RawRequest, res: ServerResponse): Promise<void> {
    const url = new URL(request.url, 'http://local');
    const matching = this.routes.filter((r) => r.pattern.test(url.pathname));
    if (!matching.length)
      return send(res, 404, {
        error: { code: 'not-found', message: `no API route ${request.method} ${url.pathname}` },
      });
    const route = matching.find((r) => r.method === request.method) ?? matching[0]!;
    let caller: Caller & { service: string };
    try {
      caller = await this.options.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) {
        // API Gateway answers 403 to an unsigned request; 401 says more plainly what is missing.
        const status = error.code === 'MissingAuthenticationTokenException' ? 401 : 403;
        return send(res, status, { error: { code: error.code, message: error.message } });
      }
      throw error;
    }
    if (caller.service !== 'execute-api') {
      return send(res, 403, {
        error: {
          code: 'InvalidSignatureException',
          message: `sign API requests for service execute-api, not ${caller.service}`,
        },
      });
    }
    if (request.method !== route.method)
      return send(res, 405, {
        error: { code: 'method-not-allowed', message: `${route.resource} takes ${route.method}` },
      });
    const authorization = this.options.authorize(caller, {
      service: 'execute-api',
      action: 'Invoke',
      parameters: () => ({ method: route.method, resource: route.resource, path: url.pathname }),
    });
    // Person data stays with the operators of its ministry: the platform's keys (the account administrator's, which
    // IAM allows everything) read no view. The one rule kept beside IAM; the authorisation chaos (R4) checks it.
    const view = /^\/api\/views\/([^/]+)\//.exec(route.resource);
    if (view && caller.kind === 'platform')
      return send(res, 403, {
        error: { code: 'forbidden', message: `only ${view[1]} operators may read the ${view[1]} view` },
      });
    // Who may invoke which method is the template's IAM: the roles' execute-api:Invoke grants.
    if (!authorization.allowed)
      return send(res, authorization.status ?? 403, {
        error: { code: 'AccessDeniedException', message: authorization.refusal },
      });
    // Bounded before a handler parses it, so nothing recursive behind it (validation, logging, the events it
    // publishes) meets it.
    const tooDeep = depthProblem(request.body);
    if (tooDeep) return send(res, 400, { error: { code: 'bad-request', message: `the request body is ${tooDeep}` } });
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const values = route.pattern.exec(url.pathname)!.slice(1);
    let pathParameters: Record<string, string> | null = null;
    try {
      if (route.parameters.length)
        pathParameters = Object.fromEntries(route.parameters.map((name, i) => [name, decodeURIComponent(values[i]!)]));
    } catch {
      return send(res, 400, {
        error: { code: 'bad-request', message: `the path ${url.pathname} is not valid percent-encoded UTF-8` },
      });
    }
    const event = {
      body: request.body.length ? request.body.toString('utf8') : null,
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      multiValueHeaders: {},
      httpMethod: request.method,
      isBase64Encoded: false,
      path: url.pathname,
      pathParameters,
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      resource: route.resource,
      requestContext: { identity: { userArn: caller.arn } },
    } as unknown as APIGatewayProxyEvent;
    const context = {
      functionName: route.resource,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 30_000,
    };
    let result: APIGatewayProxyResult;
    try {
      result = await route.invoke(event, context, caller);
    } catch (error) {
      // What API Gateway answers when the function fails; the cause stays in the log.
      this.options.log?.(`${route.resource}: handler failed: ${(error as Error)?.stack ?? String(error)}`);
      return send(res, 502, { message: 'Internal server error' });
    }
    send(res, result.statusCode, result.body);
  }
}
