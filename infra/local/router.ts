/**
 * Where each request to the local cloud goes: health, the console, the admin
 * route, the REST API, and the AWS services by `X-Amz-Target` (EventBridge
 * and SQS answered here, DynamoDB handed to its backend). The HTTP server and
 * in-process clients both come through `dispatch`, which authenticates the
 * caller and asks `authorize` before any service acts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_ROUTES } from './admin.ts';
import { AwsError, parseJsonBody, readBody, sendAwsError, sendJson } from './aws-protocol.ts';
import type { Authorize, Caller } from './authorize.ts';
import {
  CLOUDWATCH_IAM_PREFIX,
  CLOUDWATCH_SIGNING_NAME,
  CLOUDWATCH_TARGET_PREFIX,
  type LocalCloudWatch,
} from './cloudwatch.ts';
import { serveConsole } from './console.ts';
import type { DynamoMeter } from './dynamodb-meter.ts';
import { metered, UNMETERED_HEADER } from './dynamodb-metering.ts';
import type { LocalDynamo } from './dynamodb.ts';
import type { LocalEventBridge } from './eventbridge.ts';
import type { BufferedResponse, RawRequest } from './in-process-http.ts';
import { depthProblem } from './json-limits.ts';
import { platformOnly } from './platform-keys.ts';
import { MAX_REQUEST_BYTES } from './put-events.ts';
import type { RestApi } from './rest-api.ts';
import { AuthError } from './sigv4.ts';
import { isSqsQueryRequest, serveSqsQuery } from './sqs-query-server.ts';
import type { LocalSqs } from './sqs.ts';

/**
 * dynalite and dynoxide refuse a request without SigV4's headers, though
 * neither checks the signature (the cloud has, or trusts an in-process
 * caller). Unsigned in-process requests are handed over with well-formed ones.
 */
const BACKEND_AUTH_HEADERS = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=in-process/20200101/us-east-1/dynamodb/aws4_request, ' +
    `SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  'x-amz-date': '20200101T000000Z',
};
const TARGET_PREFIXES = {
  events: 'AWSEvents.',
  dynamodb: 'DynamoDB_20120810.',
  sqs: 'AmazonSQS.',
  [CLOUDWATCH_SIGNING_NAME]: CLOUDWATCH_TARGET_PREFIX,
} as const;
/** dynalite's own request limit; DynamoDB's is 16 MB for BatchWriteItem. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Health, console and admin requests carry no payload worth more than this. */
const MAX_SMALL_BODY_BYTES = 64 * 1024;
/**
 * DynamoDB nests attribute values at most 32 levels deep
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes);
 * each level is two JSON levels (`{"M":{"name":…}}`), plus the request's own few.
 */
const MAX_DYNAMODB_JSON_DEPTH = 2 * 32 + 16;

export interface RouterDeps {
  readonly sqs: () => LocalSqs;
  readonly cloudWatch: () => LocalCloudWatch;
  readonly eventBridge: () => LocalEventBridge;
  readonly dynamo: () => LocalDynamo;
  readonly meter: () => DynamoMeter | undefined;
  readonly restApi: () => RestApi | undefined;
  readonly authenticate: (request: RawRequest) => Promise<Caller & { service: string }>;
  readonly authorize: Authorize;
  readonly serveHealth: (request: RawRequest, res: ServerResponse) => Promise<void>;
  readonly serveAdmin: (request: RawRequest, res: ServerResponse) => Promise<void>;
  readonly log: (message: string) => void;
}

export class Router {
  constructor(private readonly deps: RouterDeps) {}

  readonly route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { deps } = this;
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const target = String(req.headers['x-amz-target'] ?? '');
    // SQS's older query protocol (form-encoded Action=…), which CLIs before botocore 1.31.81 still speak.
    if (isSqsQueryRequest(method, url, req.headers))
      return serveSqsQuery(req, res, { sqs: deps.sqs(), authenticate: (r) => deps.authenticate(r), log: deps.log });
    const small = method === 'GET' && !target;
    const body = await readBody(
      req,
      small
        ? MAX_SMALL_BODY_BYTES
        : target.startsWith(TARGET_PREFIXES.events)
          ? MAX_REQUEST_BYTES + 64 * 1024
          : MAX_BODY_BYTES,
    );
    const request: RawRequest = { method, url, headers: req.headers, body };
    if (method === 'GET' && (url === '/_mx/health' || url === '/_localstack/health'))
      return deps.serveHealth(request, res);
    if (method === 'GET' && (await serveConsole(url, res))) return;
    if (ADMIN_ROUTES.includes(url) && method === 'POST') return deps.serveAdmin(request, res);
    const restApi = deps.restApi();
    if (restApi?.handles(url)) return restApi.serve(request, res);
    await this.dispatch(request, res as unknown as BufferedResponse);
  };

  /** Serves one request whose body is already read; the HTTP server and in-process clients both come through here. */
  readonly dispatch = async (request: RawRequest, res: BufferedResponse): Promise<void> => {
    const { deps } = this;
    const target = String(request.headers['x-amz-target'] ?? '');
    const service = (Object.keys(TARGET_PREFIXES) as (keyof typeof TARGET_PREFIXES)[]).find((s) =>
      target.startsWith(TARGET_PREFIXES[s]),
    );
    const contentType = service === 'events' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
    const out = res as unknown as ServerResponse;
    try {
      if (!service || request.method !== 'POST') {
        throw new AwsError(
          'UnknownOperationException',
          `no service answers ${request.method} ${request.url} with X-Amz-Target ${target || '(none)'}`,
          404,
        );
      }
      const caller = await deps.authenticate(request);
      // AWS refuses a signature scoped to another service (a signing key is derived per service), with these words.
      // In-process callers sign nothing, so there is no scope to check.
      if (request.inProcessCaller === undefined && caller.service !== service)
        throw new AwsError(
          'InvalidSignatureException',
          `Credential should be scoped to correct service: '${service}'.`,
          400,
        );
      const operation = target.slice(TARGET_PREFIXES[service].length);
      if (service === 'dynamodb') {
        if (caller.kind !== 'platform')
          throw new AwsError('AccessDeniedException', platformOnly(`call DynamoDB ${operation} on the local cloud`));
        // dynalite validates recursively in its worker: a deep enough body overflows its stack and leaves every
        // later request unanswered.
        const tooDeep = depthProblem(request.body, MAX_DYNAMODB_JSON_DEPTH);
        if (tooDeep)
          throw new AwsError(
            'ValidationException',
            `Nesting Levels have exceeded supported limits: the request body is ${tooDeep} ` +
              '(attribute values may nest 32 levels)',
          );
        this.authorize(caller, service, operation, () => parseJsonBody(request.body));
        const forwarded =
          request.inProcessCaller === undefined
            ? request
            : { ...request, headers: { ...request.headers, ...BACKEND_AUTH_HEADERS } };
        const meter = deps.meter();
        if (meter && request.headers[UNMETERED_HEADER] === undefined)
          deps.dynamo().handle(forwarded, metered(meter, operation, request, out, deps.log));
        else deps.dynamo().handle(forwarded, out);
        return;
      }
      if ((service === 'sqs' || service === CLOUDWATCH_SIGNING_NAME) && caller.kind !== 'platform')
        throw new AwsError(
          'AccessDeniedException',
          platformOnly(`call ${service === 'sqs' ? 'SQS' : 'CloudWatch'} ${operation}`),
        );
      const payload = parseJsonBody(request.body);
      // CloudWatch signs as `monitoring`, but its IAM actions are `cloudwatch:…`.
      const iamPrefix = service === CLOUDWATCH_SIGNING_NAME ? CLOUDWATCH_IAM_PREFIX : service;
      this.authorize(caller, iamPrefix, operation, () => payload);
      const result =
        service === 'events'
          ? await deps.eventBridge().handle(operation, payload, caller)
          : service === CLOUDWATCH_SIGNING_NAME
            ? deps.cloudWatch().handle(operation, payload)
            : await deps.sqs().handle(operation, payload);
      sendJson(out, 200, result, contentType);
    } catch (error) {
      if (error instanceof AwsError) return sendAwsError(out, error, contentType);
      if (error instanceof AuthError)
        return sendAwsError(
          out,
          new AwsError(error.code, error.message, error.code === 'MissingAuthenticationTokenException' ? 403 : 400),
          contentType,
        );
      deps.log(`internal error: ${(error as Error).stack ?? String(error)}`);
      sendAwsError(
        out,
        new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500),
        contentType,
      );
    }
  };

  /** The IAM hook: a refusal is AWS's AccessDeniedException, naming the caller and action. */
  private authorize(caller: Caller, service: string, action: string, parameters: () => Record<string, unknown>): void {
    const decision = this.deps.authorize(caller, { service, action, parameters });
    if (!decision.allowed)
      throw new AwsError(
        'AccessDeniedException',
        `${caller.arn} is not authorized to perform ${service}:${action}: ${decision.refusal}`,
      );
  }
}
