/**
 * The agency systems' command APIs on the local cloud: the same routes as the
 * API Gateway REST API of the CDK app (POST /commands/<system>), SigV4-signed
 * for service `execute-api` as API Gateway's IAM authorisation expects, and
 * the same handler module invoked in-process with an API Gateway proxy event.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { documentClient, withClients, type Clients } from '../../functions/lib/clients.ts';
import { REPO_ROOT } from '../paths.ts';
import type { CommandApiSpec, Ministry, Topology } from '../topology.ts';
import type { CloudCredentials, KeyPair, Principal } from './credentials.ts';
import { loadHandler } from './handlers.ts';
import type { InProcessHttpHandler, RawRequest } from './in-process-http.ts';
import { AuthError } from './sigv4.ts';

type ApiHandler = (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;

export interface CommandApiOptions {
  readonly region: string;
  readonly secret: string;
  readonly requestHandler: InProcessHttpHandler;
  readonly clientConfig: (keys: KeyPair) => { endpoint: string; region: string; credentials: KeyPair };
  readonly credentials: CloudCredentials;
  readonly tableName: (id: string) => string;
  readonly authenticate: (request: RawRequest) => Promise<Principal & { service: string }>;
}

export const agencyRoleName = (agency: Ministry) => `mx-agency-${agency}`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

export class CommandApi {
  private constructor(
    private readonly apis: Map<string, { spec: CommandApiSpec; handler: ApiHandler }>,
    private readonly clients: Map<Ministry, Clients>,
    private readonly options: CommandApiOptions,
    private readonly disposables: { destroy(): void }[],
  ) {}

  static async load(topology: Topology, options: CommandApiOptions): Promise<CommandApi> {
    const roles = Object.fromEntries(topology.agencies.map((a) => [agencyRoleName(a.id), a.id]));
    const apis = new Map<string, { spec: CommandApiSpec; handler: ApiHandler }>();
    for (const spec of topology.commandApis) {
      const handler = await loadHandler<ApiHandler>(REPO_ROOT, spec.handler, `command-${spec.system}`, {
        SYSTEM: spec.system,
        TABLE_NAME: options.tableName(spec.table),
        EVENT_BUS_NAME: topology.busName,
        PERSON_KEY_SECRET: options.secret,
        AGENCY_ROLES: JSON.stringify(roles),
        POWERTOOLS_SERVICE_NAME: `command-${spec.system}`,
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
        AWS_REGION: options.region,
      });
      apis.set(spec.system, { spec, handler });
    }
    const disposables: { destroy(): void }[] = [];
    const dynamo = new DynamoDBClient({ ...options.clientConfig({ ...options.credentials.platform }), requestHandler: options.requestHandler });
    disposables.push(dynamo);
    const clients = new Map<Ministry, Clients>();
    for (const agency of topology.agencies) {
      const events = new EventBridgeClient({ ...options.clientConfig({ ...options.credentials.agencies[agency.id] }), requestHandler: options.requestHandler });
      disposables.push(events);
      clients.set(agency.id, { dynamo: documentClient(dynamo), events });
    }
    return new CommandApi(apis, clients, options, disposables);
  }

  async serve(request: RawRequest, res: ServerResponse): Promise<void> {
    let principal: Principal & { service: string };
    try {
      principal = await this.options.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) {
        const status = error.code === 'MissingAuthenticationTokenException' ? 401 : 403;
        return send(res, status, { error: { code: error.code, message: error.message } });
      }
      throw error;
    }
    if (principal.service !== 'execute-api') {
      return send(res, 403, { error: { code: 'InvalidSignatureException', message: `sign command requests for service execute-api, not ${principal.service}` } });
    }
    if (principal.kind !== 'agency') return send(res, 403, { error: { code: 'not-an-agency', message: 'only agency credentials may issue commands' } });
    const system = /^\/commands\/([a-z-]+)\/?(\?.*)?$/.exec(request.url)?.[1] ?? '';
    const api = this.apis.get(system);
    if (!api || request.method !== 'POST') {
      return send(res, 404, { error: { code: 'not-found', message: `no command API at ${request.method} ${request.url}; systems: ${[...this.apis.keys()].join(', ')}` } });
    }
    if (!api.spec.agencies.includes(principal.id)) {
      return send(res, 403, { error: { code: 'forbidden', message: `${principal.id} may not issue ${system} commands; ${system} serves ${api.spec.agencies.join(', ')}` } });
    }
    const event = {
      body: request.body.toString('utf8'),
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      multiValueHeaders: {},
      httpMethod: 'POST',
      isBase64Encoded: false,
      path: request.url,
      pathParameters: { system },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      resource: '/commands/{system}',
      requestContext: { identity: { userArn: `arn:aws:sts::000000000000:assumed-role/${agencyRoleName(principal.id)}/local` } },
    } as unknown as APIGatewayProxyEvent;
    const context = { functionName: `command-${system}`, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30_000 };
    const result = await withClients(this.clients.get(principal.id)!, () => api.handler(event, context));
    send(res, result.statusCode, result.body);
  }

  dispose(): void {
    for (const d of this.disposables) d.destroy();
  }
}
