/**
 * Where each request to the local cloud goes: health, the console, the admin
 * route, the REST API, and the AWS services by `X-Amz-Target` (EventBridge
 * and SQS answered here, DynamoDB handed to its backend). The HTTP server and
 * in-process clients both come through `dispatch`, which authenticates the
 * caller and asks `authorize` before any service acts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_ROUTES } from './admin.ts';
import type { Authorize, Caller, RefusedEntry } from './authorize.ts';
import { AwsError, parseJsonBody, readBody, sendAwsError, sendJson } from './aws-protocol.ts';
import {
  CLOUDWATCH_IAM_PREFIX,
  CLOUDWATCH_SIGNING_NAME,
  CLOUDWATCH_TARGET_PREFIX,
  type LocalCloudWatch,
} from './cloudwatch.ts';
import { serveConsole } from './console.ts';
import type { LocalDynamo } from './dynamodb.ts';
import type { DynamoMeter } from './dynamodb-meter.ts';
import { metered, UNMETERED_HEADER } from './dynamodb-metering.ts';
import type { LocalEventBridge } from './eventbridge.ts';
import type { BufferedResponse, RawRequest } from './in-process-http.ts';
import { depthProblem } from './json-limits.ts';
import { withPlatformKeysHint } from './platform-keys.ts';
import { checkRequest, MAX_REQUEST_BYTES } from './put-events.ts';
import type { RestApi } from './rest-api.ts';
import { AuthError } from './sigv4.ts';
import type { LocalSqs } from './sqs.ts';
import { isSqsQueryRequest, serveSqsQuery } from './sqs-query-server.ts';

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
      return serveSqsQuery(req, res, {
        sqs: deps.sqs(),
        authenticate: (r) => deps.authenticate(r),
        authorize: deps.authorize,
        log: deps.log,
      });
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
        // dynalite validates recursively in its worker: a deep enough body overflows its stack and leaves every
        // later request unanswered.
        const tooDeep = depthProblem(request.body, MAX_DYNAMODB_JSON_DEPTH);
        if (tooDeep)
          throw new AwsError(
            'ValidationException',
            `Nesting Levels have exceeded supported limits: the request body is ${tooDeep} ` +
              '(attribute values may nest 32 levels)',
          );
        // IAM is asked once per item a batch names: the service's own limits come first, as AWS validates first.
        const parameters = dynamoParameters(request.body);
        checkDynamoLimits(operation, parameters);
        this.authorize(caller, service, operation, () => parameters);
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
      const payload = parseJsonBody(request.body);
      // PutEvents' entries are counted and sized before IAM sees them (one check per entry's source).
      if (service === 'events' && operation === 'PutEvents') checkRequest(payload);
      // CloudWatch signs as `monitoring`, but its IAM actions are `cloudwatch:…`.
      const iamPrefix = service === CLOUDWATCH_SIGNING_NAME ? CLOUDWATCH_IAM_PREFIX : service;
      const refusedEntries = this.authorize(caller, iamPrefix, operation, () => payload);
      const result =
        service === 'events'
          ? await deps.eventBridge().handle(operation, payload, caller, refusedEntries)
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

  /**
   * The IAM hook: a refusal is AWS's AccessDeniedException in the hook's own words (IAM's name the caller, the
   * action and the resource). Returns the PutEvents entries refused on their own.
   */
  private authorize(
    caller: Caller,
    service: string,
    action: string,
    parameters: () => Record<string, unknown>,
  ): readonly RefusedEntry[] {
    const decision = this.deps.authorize(caller, { service, action, parameters });
    if (!decision.allowed)
      throw new AwsError(
        'AccessDeniedException',
        withPlatformKeysHint(caller, service, decision.refusal),
        decision.status ?? 400,
      );
    return decision.refusedEntries ?? [];
  }
}

/**
 * The body as IAM reads it. A body that is not a JSON object is authorized as an empty one (it names no resource a
 * policy grants) and left to the backend to refuse in DynamoDB's words; its depth is already bounded.
 */
function dynamoParameters(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** DynamoDB's per-request item limits (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/). */
const DYNAMODB_ITEM_LIMITS: Readonly<Record<string, number>> = {
  BatchWriteItem: 25,
  BatchGetItem: 100,
  TransactWriteItems: 100,
  TransactGetItems: 100,
};

function checkDynamoLimits(operation: string, body: Record<string, unknown>): void {
  const limit = DYNAMODB_ITEM_LIMITS[operation];
  if (limit === undefined) return;
  let count = 0;
  if (operation.startsWith('Transact')) count = Array.isArray(body.TransactItems) ? body.TransactItems.length : 0;
  else if (typeof body.RequestItems === 'object' && body.RequestItems !== null)
    for (const requests of Object.values(body.RequestItems as Record<string, unknown>)) {
      if (Array.isArray(requests)) count += requests.length;
      else if (typeof requests === 'object' && requests !== null) {
        const keys = (requests as { Keys?: unknown }).Keys;
        count += Array.isArray(keys) ? keys.length : 0;
      }
    }
  if (count <= limit) return;
  if (operation.startsWith('Transact'))
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${limit}`,
    );
  throw new AwsError('ValidationException', `Too many items requested for the ${operation} call`);
}
