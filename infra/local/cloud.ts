/**
 * The embedded local cloud: one process, one loopback port, the real AWS wire
 * protocols (EventBridge and SQS over JSON, DynamoDB through dynalite), SigV4
 * checked on every call, and the topology's subscriptions delivered to their
 * handlers in-process. See DESIGN.md §5.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { REPO_ROOT } from '../paths.ts';
import { tableDefinition } from '../table-definition.ts';
import { agencyForSource, checkTopology, TOPOLOGY, visibilityTimeoutSeconds, type SubscriptionSpec, type TableSpec, type Topology } from '../topology.ts';
import { DynamoMeter, type ItemLookup } from './dynamodb-meter.ts';
import { AwsError, parseJsonBody, readBody, sendAwsError, sendJson } from './aws-protocol.ts';
import { keyring, loadOrCreateCredentials, type CloudCredentials, type KeyPair, type Principal } from './credentials.ts';
import { Delivery, type DeliveryOptions, type SqsHandler } from './delivery.ts';
import { RestApi } from './rest-api.ts';
import { serveConsole } from './console.ts';
import { listDeadLetters } from './dead-letters.ts';
import { LocalDynamo } from './dynamodb.ts';
import { LocalEventBridge } from './eventbridge.ts';
import { loadHandler, PublishingAs } from './handlers.ts';
import type { AwsClientSettings } from '../../functions/lib/lambda-entry.ts';
import { createGuardedServer, DEFAULT_LIMITS, type ServerLimits } from './http-guard.ts';
import { MAX_REQUEST_BYTES } from './put-events.ts';
import { depthProblem } from './json-limits.ts';
import { QueueStore } from './queue-store.ts';
import { Queues } from './queues.ts';
import { queueScope, type QueueScope } from './queue-scope.ts';
import { AuthError, verifySignature } from './sigv4.ts';
import { BufferedResponse, InProcessHttpHandler, UNSIGNED, type RawRequest } from './in-process-http.ts';
import { LocalSqs } from './sqs.ts';
import { platformOnly } from './platform-keys.ts';
import { DataDirInUseError, cloudHolding, isLockError, readCloudFile, removeCloudFile, writeCloudFile } from './cloud-file.ts';
import { isSqsQueryRequest, serveSqsQuery } from './sqs-query-server.ts';
import { LocalTransparency, type TransparencyOptions } from './transparency.ts';

export interface CloudOptions {
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
  readonly inMemory?: boolean;
  readonly topology?: Topology;
  /**
   * How long a failed message stays hidden before its retry. In AWS it would
   * wait out the queue's visibility timeout (minutes); handlers here run
   * in-process, so a failure is known at once and retried sooner.
   */
  readonly retryDelayMs?: number;
  /** Concurrent batches per subscription. */
  readonly concurrency?: number;
  readonly log?: (message: string) => void;
  readonly onDelivered?: DeliveryOptions['onDelivered'];
  /** HTTP timeouts (tests shorten them to watch a slow client being cut off). */
  readonly http?: Partial<ServerLimits>;
  /** Batching window of every subscription in ms (default: each subscription's own, as Lambda applies it). */
  readonly batchingWindowMs?: number;
  /** Count DynamoDB requests and request units as AWS would bill them (`npm run bench`; costs a lookup per update). */
  readonly meterDynamo?: boolean;
  /** Checkpoints of the signed Merkle logs over the exchange log and the access ledger (functions/merkle). */
  readonly transparency?: TransparencyOptions;
}

export const queueName = (subscription: string) => `mx-${subscription}`;
export const deadLetterQueueName = (subscription: string) => `mx-${subscription}-dlq`;

/**
 * dynalite and dynoxide refuse a request without SigV4's headers, though
 * neither checks the signature (the cloud has, or trusts an in-process
 * caller). Unsigned in-process requests are handed over with well-formed ones.
 */
const BACKEND_AUTH_HEADERS = {
  authorization: `AWS4-HMAC-SHA256 Credential=in-process/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  'x-amz-date': '20200101T000000Z',
};
/** Marks the meter's own lookups, which AWS would not bill (they are not the platform's requests). */
const UNMETERED_HEADER = 'x-mx-unmetered';
const TARGET_PREFIXES = { events: 'AWSEvents.', dynamodb: 'DynamoDB_20120810.', sqs: 'AmazonSQS.' } as const;
/** dynalite's own request limit; DynamoDB's is 16 MB for BatchWriteItem. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Health, console and admin requests carry no payload worth more than this. */
const MAX_SMALL_BODY_BYTES = 64 * 1024;
/**
 * In-process clients (the handlers', table creation) never open a socket, but
 * the SDK needs an endpoint to build a request; before the server listens
 * there is no real one.
 */
const IN_PROCESS_ENDPOINT = 'http://in-process.localhost';
const PLATFORM: Principal = { kind: 'platform' };
/**
 * DynamoDB nests attribute values at most 32 levels deep
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes);
 * each level is two JSON levels (`{"M":{"name":…}}`), plus the request's own few.
 */
const MAX_DYNAMODB_JSON_DEPTH = 2 * 32 + 16;

export class LocalCloud {
  endpoint = '';
  private server?: Server;
  private readonly deliveries: Delivery[] = [];
  private readonly tableOverrides = new Map<string, string>();
  /** Receipt times of accepted events in the last minute (events per minute on the console). */
  private acceptedTimes: number[] = [];
  private keys = new Map<string, { secret: string; principal: Principal }>();
  readonly topology: Topology;
  credentials!: CloudCredentials;
  private store!: QueueStore;
  queues!: Queues;
  eventBridge!: LocalEventBridge;
  private sqs!: LocalSqs;
  private dynamo!: LocalDynamo;
  /** Set when metering: what the platform has asked of DynamoDB so far. */
  dynamoMeter?: DynamoMeter;
  private readonly log: (message: string) => void;
  private readonly clients: { dispose(): void }[] = [];
  private restApi?: RestApi;
  /** The checkpointers of the exchange log's and the access ledger's Merkle trees. */
  transparency?: LocalTransparency;

  private constructor(private readonly options: CloudOptions) {
    this.topology = options.topology ?? TOPOLOGY;
    this.log = options.log ?? (() => undefined);
  }

  static async start(options: CloudOptions): Promise<LocalCloud> {
    const cloud = new LocalCloud(options);
    try {
      await cloud.boot();
    } catch (error) {
      await cloud.stop().catch(() => undefined);
      // Another process has the dir's databases open: say which, rather than LevelDB's LOCK error.
      if (isLockError(error)) throw new DataDirInUseError(options.dataDir, await readCloudFile(options.dataDir));
      throw error;
    }
    return cloud;
  }

  private async boot(): Promise<void> {
    checkTopology(this.topology);
    const { dataDir, inMemory = false } = this.options;
    await mkdir(dataDir, { recursive: true });
    const holder = await cloudHolding(dataDir);
    if (holder) throw new DataDirInUseError(dataDir, holder);
    this.credentials = await loadOrCreateCredentials(dataDir);
    if (!inMemory) {
      const saved = await readFile(this.overridesFile, 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => ({}));
      for (const [id, physical] of Object.entries(saved)) this.tableOverrides.set(id, physical);
    }
    this.keys = keyring(this.credentials);
    const region = this.credentials.region;

    // Nothing is served before the durable state is ready: the queues are
    // restored, the tables exist and the deliveries run before the port opens.
    this.store = await QueueStore.open(inMemory ? undefined : path.join(dataDir, 'queues'));
    this.queues = new Queues(this.store);
    const retryDelayMs = this.options.retryDelayMs ?? 1000;
    for (const sub of this.topology.subscriptions) {
      this.queues.define({ name: deadLetterQueueName(sub.name), visibilityTimeoutMs: visibilityTimeoutSeconds(sub.delivery) * 1000 });
      this.queues.define({
        name: queueName(sub.name),
        visibilityTimeoutMs: visibilityTimeoutSeconds(sub.delivery) * 1000,
        retryDelayMs,
        deadLetter: { queue: deadLetterQueueName(sub.name), maxReceiveCount: sub.delivery.maxReceiveCount },
      });
    }
    const restored = await this.queues.restore();
    if (restored) this.log(`restored ${restored} queued message(s) from ${dataDir}`);
    this.eventBridge = new LocalEventBridge(this.topology, this.queues, region, queueName);
    this.eventBridge.onAccepted = (events) => {
      const now = Date.now();
      for (let i = 0; i < events.length; i++) this.acceptedTimes.push(now);
      if (this.acceptedTimes.length > 100_000 || (this.acceptedTimes[0] ?? now) < now - 60_000) this.acceptedTimes = this.acceptedTimes.filter((t) => t > now - 60_000);
    };
    this.sqs = new LocalSqs(this.queues, region, () => this.endpoint);

    this.dynamo = new LocalDynamo(inMemory ? undefined : path.join(dataDir, 'dynamodb'), { log: this.log });
    if (this.options.meterDynamo) this.dynamoMeter = new DynamoMeter(this.unmeteredLookup(), (table) => (this.topology.tables.find((t) => this.tableName(t) === table)?.indexes ?? []).map((i) => [i.partitionKey.name, ...(i.sortKey ? [i.sortKey.name] : [])]));
    await this.dynamo.start();
    await this.createTables();
    // Before any writer runs: the checkpointers read the leaf counters a previous process left.
    this.transparency = await LocalTransparency.start({
      dataDir,
      inMemory,
      clientConfig: this.inProcessConfig(),
      tableName: (id) => this.tableName(id),
      hasTable: (id) => this.topology.tables.some((t) => t.id === id),
      ...(this.options.transparency ? { options: this.options.transparency } : {}),
      log: this.log,
    });
    await this.startDeliveries();
    this.restApi = await this.loadRestApi();

    const server = createGuardedServer((req, res) => this.route(req, res), this.log, { ...DEFAULT_LIMITS, ...this.options.http });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.endpoint = `http://${address.address}:${address.port}`;
    await writeCloudFile(dataDir, { pid: process.pid, port: address.port, endpoint: this.endpoint, started: new Date().toISOString(), inMemory });
  }

  private loadRestApi(): Promise<RestApi> {
    return RestApi.load(this.topology, {
      region: this.credentials.region,
      secret: this.credentials.personKeySecret,
      clientConfig: (keys) => this.inProcessConfig(keys),
      functionConfig: (publisher) => this.functionConfig(publisher),
      credentials: this.credentials,
      tableName: (id) => this.tableName(id),
      authenticate: (request) => this.authenticate(request),
      log: this.log,
      exchange: {
        scope: (principal) => queueScope(this.topology, principal),
        health: (scope) => this.exchangeHealth(scope),
        deadLetters: (scope) => listDeadLetters(this.queues, scope.subscriptions.map(deadLetterQueueName)),
        redrive: (queue) => this.queues.redrive(queue),
        deadLetterQueueName,
      },
    });
  }

  /** What the console's exchange page shows for the subscriptions in scope: depths, dead letters, throughput and lag. */
  exchangeHealth(scope: QueueScope = queueScope(this.topology, PLATFORM)) {
    const health = this.health(scope);
    const now = Date.now();
    const subscriptions = this.topology.subscriptions.filter((s) => scope.has(s.name));
    const oldest = subscriptions.map((s) => this.queues.oldestSentAt(queueName(s.name))).filter((t): t is number => t !== undefined);
    return {
      pending: health.pending,
      deadLetters: health.deadLetters,
      // The exchange's throughput as a whole: a count, naming no subscription.
      eventsPerMinute: this.acceptedTimes.filter((t) => t > now - 60_000).length,
      lagSeconds: oldest.length ? Math.round((now - Math.min(...oldest)) / 100) / 10 : 0,
      subscriptions: subscriptions.map((s) => {
        const queue = health.queues.find((q) => q.name === queueName(s.name))!;
        const dlq = health.queues.find((q) => q.name === deadLetterQueueName(s.name))!;
        const stats = this.deliveries[this.topology.subscriptions.indexOf(s)]?.stats;
        return { subscription: s.name, visible: queue.visible, inFlight: queue.inFlight, deadLetters: dlq.visible + dlq.inFlight, delivered: stats?.delivered ?? 0, failed: stats?.failed ?? 0 };
      }),
    };
  }

  /** SDK clients bound to this cloud, with the given key pair (default: the platform's). */
  /** Reads an item for the meter without being metered itself (an update is billed at its resulting size). */
  private unmeteredLookup(): ItemLookup {
    let client: DynamoDBClient | undefined;
    return async (table, key) => {
      if (!client) {
        client = new DynamoDBClient(this.inProcessConfig());
        client.middlewareStack.add((next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers[UNMETERED_HEADER] = '1';
          return next(args);
        }, { step: 'build', name: 'unmetered' });
        this.clients.push({ dispose: () => client!.destroy() });
      }
      return (await client.send(new GetItemCommand({ TableName: table, Key: key as never }))).Item as never;
    };
  }

  /** A response that tells the meter what the request cost once DynamoDB has answered it. */
  private metered(operation: string, request: RawRequest, out: ServerResponse): ServerResponse {
    const meter = this.dynamoMeter!;
    const tee = {
      statusCode: 200,
      setHeader: (name: string, value: string) => out.setHeader(name, value),
      end: (body?: string | Buffer) => {
        out.statusCode = tee.statusCode;
        out.end(body);
        const parse = (text: string | Buffer | undefined) => {
          try {
            return JSON.parse(String(text ?? '{}')) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        };
        const requestBody = parse(request.body) ?? {};
        void meter.record(operation, requestBody, parse(body), tee.statusCode < 300).catch((error: unknown) => this.log(`dynamodb meter: ${(error as Error).message}`));
      },
    };
    return tee as unknown as ServerResponse;
  }

  /** SDK client configuration for code running inside the cloud: requests go straight to `dispatch`, as `keys`' principal, unsigned. */
  inProcessConfig(keys: KeyPair = this.credentials.platform) {
    return { ...this.clientConfig(keys), requestHandler: new InProcessHttpHandler(this.dispatch, keys.accessKeyId), signer: UNSIGNED };
  }

  /** SDK settings for a function running in the cloud: as the platform, publishing as `publisher` where it publishes for an agency. */
  functionConfig(publisher?: KeyPair): AwsClientSettings {
    const platform = this.inProcessConfig();
    if (!publisher) return platform;
    return { ...platform, requestHandler: new PublishingAs(new InProcessHttpHandler(this.dispatch, publisher.accessKeyId), platform.requestHandler) };
  }

  clientConfig(keys: KeyPair = this.credentials.platform) {
    return {
      endpoint: this.endpoint || IN_PROCESS_ENDPOINT,
      region: this.credentials.region,
      credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    };
  }

  /** The physical table behind a topology table id (a replayed view may have been switched to a rebuilt table). */
  tableName(spec: TableSpec | string): string {
    const id = typeof spec === 'string' ? spec : spec.id;
    return this.tableOverrides.get(id) ?? id;
  }

  private get overridesFile(): string {
    return path.join(this.options.dataDir, 'tables.json');
  }

  /**
   * Points a topology table at another physical table (after `mx replay`):
   * the owning subscription and the APIs reload their handlers with the new
   * TABLE_NAME, and the choice survives restarts.
   */
  async switchTable(id: string, physical: string): Promise<void> {
    if (!this.topology.tables.some((t) => t.id === id)) throw new AwsError('ValidationException', `no table ${id} in the topology`);
    const client = new DynamoDBClient(this.inProcessConfig());
    try {
      await client.send(new DescribeTableCommand({ TableName: physical }));
    } finally {
      client.destroy();
    }
    this.tableOverrides.set(id, physical);
    await writeFile(this.overridesFile, `${JSON.stringify(Object.fromEntries(this.tableOverrides), null, 2)}\n`);
    for (const [i, sub] of this.topology.subscriptions.entries()) {
      if (sub.table === id) this.deliveries[i]!.setHandler(await this.loadSubscriptionHandler(sub));
    }
    this.restApi?.dispose();
    this.restApi = await this.loadRestApi();
    this.log(`table ${id} now served by ${physical}`);
  }

  /** In-process, so it runs before the server listens. */
  private async createTables(): Promise<void> {
    const client = new DynamoDBClient(this.inProcessConfig());
    try {
      for (const spec of this.topology.tables) {
        try {
          await client.send(new DescribeTableCommand({ TableName: this.tableName(spec) }));
          continue;
        } catch (error) {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        }
        await client.send(new CreateTableCommand(tableDefinition(spec, this.tableName(spec))));
      }
    } finally {
      client.destroy();
    }
  }

  private loadSubscriptionHandler(sub: SubscriptionSpec): Promise<SqsHandler> {
    const publisher = sub.publishes?.[0] ? agencyForSource(sub.publishes[0]) : undefined;
    const env = {
      TABLE_NAME: this.tableName(sub.table),
      PERSON_KEY_SECRET: this.credentials.personKeySecret,
      SUBSCRIPTION: sub.name,
      EVENT_BUS_NAME: this.topology.busName,
      POWERTOOLS_SERVICE_NAME: sub.name,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // EMF metrics would only be printed here; the local cloud shows breaches and dead letters itself.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: this.credentials.region,
      ...sub.environment,
    };
    return loadHandler<SqsHandler>(REPO_ROOT, sub.handler, env, this.functionConfig(publisher ? this.credentials.agencies[publisher.id] : undefined));
  }

  private async startDeliveries(): Promise<void> {
    const region = this.credentials.region;
    for (const sub of this.topology.subscriptions) {
      const handler = await this.loadSubscriptionHandler(sub);
      const delivery = new Delivery({
        spec: sub,
        queue: queueName(sub.name),
        queueArn: this.sqs.arn(queueName(sub.name)),
        region,
        handler,
        queues: this.queues,
        concurrency: this.options.concurrency ?? 2,
        ...(this.options.batchingWindowMs !== undefined ? { batchingWindowMs: this.options.batchingWindowMs } : {}),
        scope: (fn) => fn(),
        log: this.log,
        ...(this.options.onDelivered ? { onDelivered: this.options.onDelivered } : {}),
      });
      delivery.start();
      this.deliveries.push(delivery);
    }
  }

  /**
   * Liveness plus queue depths of the subscriptions in scope (default: all):
   * the simulator and tests wait for `pending` to reach 0.
   */
  health(scope: QueueScope = queueScope(this.topology, PLATFORM)) {
    const names = new Set(scope.subscriptions.flatMap((s) => [queueName(s), deadLetterQueueName(s)]));
    const queues = this.queues.stats().filter((q) => names.has(q.name));
    const owned = new Set(this.topology.subscriptions.filter((s) => scope.has(s.name)).map((s) => s.table));
    const everything = scope.subscriptions.length === this.topology.subscriptions.length;
    return {
      status: 'running',
      services: { events: 'running', dynamodb: 'running', sqs: 'running' },
      dynamodb: { backend: this.dynamo.backend, detail: this.dynamo.description },
      pending: queues.filter((q) => !q.name.endsWith('-dlq')).reduce((n, q) => n + q.visible + q.inFlight, 0),
      deadLetters: queues.filter((q) => q.name.endsWith('-dlq')).reduce((n, q) => n + q.visible + q.inFlight, 0),
      queues,
      deliveries: this.deliveryStats().filter((d) => scope.has(d.subscription)),
      tables: Object.fromEntries(this.topology.tables.filter((t) => everything || owned.has(t.id)).map((t) => [t.id, this.tableName(t)])),
      ...(everything && this.transparency ? { transparency: this.transparency.description } : {}),
    };
  }

  deliveryStats() {
    return this.topology.subscriptions.map((sub, i) => ({ subscription: sub.name, ...this.deliveries[i]?.stats }));
  }

  /**
   * GET /_mx/health (and LocalStack's /_localstack/health): liveness for
   * anyone; queue, delivery and table details only for a signed platform or
   * operator request, an operator's limited to its ministry's queues.
   */
  private async serveHealth(request: RawRequest, res: ServerResponse): Promise<void> {
    const liveness = request.url.startsWith('/_localstack/') ? { status: 'running', services: { events: 'running', dynamodb: 'running', sqs: 'running' } } : { status: 'running' };
    if (!request.headers.authorization) return sendJson(res, 200, liveness, 'application/json');
    let principal: Principal;
    try {
      principal = await this.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) return sendAwsError(res, new AwsError(error.code, error.message, 403), 'application/json');
      throw error;
    }
    if (principal.kind === 'agency') return sendJson(res, 200, liveness, 'application/json');
    sendJson(res, 200, this.health(queueScope(this.topology, principal)), 'application/json');
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const target = String(req.headers['x-amz-target'] ?? '');
    // SQS's older query protocol (form-encoded Action=…), which CLIs before botocore 1.31.81 still speak.
    if (isSqsQueryRequest(method, url, req.headers)) return serveSqsQuery(req, res, { sqs: this.sqs, authenticate: (r) => this.authenticate(r), log: this.log });
    const small = method === 'GET' && !target;
    const body = await readBody(req, small ? MAX_SMALL_BODY_BYTES : target.startsWith(TARGET_PREFIXES.events) ? MAX_REQUEST_BYTES + 64 * 1024 : MAX_BODY_BYTES);
    const request: RawRequest = { method, url, headers: req.headers, body };
    if (method === 'GET' && (url === '/_mx/health' || url === '/_localstack/health')) return this.serveHealth(request, res);
    if (method === 'GET' && (await serveConsole(url, res))) return;
    if (url === '/_mx/admin/tables' && method === 'POST') return this.switchTableRequest(request, res);
    if (this.restApi?.handles(url)) return this.restApi.serve(request, res);
    await this.dispatch(request, res as unknown as BufferedResponse);
  }

  /** Serves one request whose body is already read; the HTTP server and in-process clients both come through here. */
  private readonly dispatch = async (request: RawRequest, res: BufferedResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const service = (Object.keys(TARGET_PREFIXES) as (keyof typeof TARGET_PREFIXES)[]).find((s) => target.startsWith(TARGET_PREFIXES[s]));
    const contentType = service === 'events' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
    const out = res as unknown as ServerResponse;
    try {
      if (!service || request.method !== 'POST') {
        throw new AwsError('UnknownOperationException', `no service answers ${request.method} ${request.url} with X-Amz-Target ${target || '(none)'}`, 404);
      }
      const principal = await this.authenticate(request);
      // AWS refuses a signature scoped to another service (a signing key is derived per service), with these words.
      // In-process callers sign nothing, so there is no scope to check.
      if (request.inProcessCaller === undefined && principal.service !== service) throw new AwsError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`, 400);
      const operation = target.slice(TARGET_PREFIXES[service].length);
      if (service === 'dynamodb') {
        if (principal.kind !== 'platform') throw new AwsError('AccessDeniedException', platformOnly(`call DynamoDB ${operation} on the local cloud`));
        // dynalite validates recursively in its worker: a deep enough body overflows its stack and leaves every later request unanswered.
        const tooDeep = depthProblem(request.body, MAX_DYNAMODB_JSON_DEPTH);
        if (tooDeep) throw new AwsError('ValidationException', `Nesting Levels have exceeded supported limits: the request body is ${tooDeep} (attribute values may nest 32 levels)`);
        const forwarded = request.inProcessCaller === undefined ? request : { ...request, headers: { ...request.headers, ...BACKEND_AUTH_HEADERS } };
        if (this.dynamoMeter && request.headers[UNMETERED_HEADER] === undefined) this.dynamo.handle(forwarded, this.metered(operation, request, out));
        else this.dynamo.handle(forwarded, out);
        return;
      }
      if (service === 'sqs' && principal.kind !== 'platform') throw new AwsError('AccessDeniedException', platformOnly(`call SQS ${operation}`));
      const payload = parseJsonBody(request.body);
      const result = service === 'events' ? await this.eventBridge.handle(operation, payload, principal) : await this.sqs.handle(operation, payload);
      sendJson(out, 200, result, contentType);
    } catch (error) {
      if (error instanceof AwsError) return sendAwsError(out, error, contentType);
      if (error instanceof AuthError) return sendAwsError(out, new AwsError(error.code, error.message, error.code === 'MissingAuthenticationTokenException' ? 403 : 400), contentType);
      this.log(`internal error: ${(error as Error).stack ?? String(error)}`);
      sendAwsError(out, new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500), contentType);
    }
  };

  /** POST /_mx/admin/tables { "table", "physicalName" }: the platform re-points a table (used by mx replay). */
  private async switchTableRequest(request: RawRequest, res: ServerResponse): Promise<void> {
    try {
      const principal = await this.authenticate(request);
      if (principal.kind !== 'platform') throw new AwsError('AccessDeniedException', 'only the platform principal may switch tables', 403);
      const body = parseJsonBody(request.body);
      if (typeof body.table !== 'string' || typeof body.physicalName !== 'string') throw new AwsError('ValidationException', 'give table and physicalName');
      await this.switchTable(body.table, body.physicalName);
      sendJson(res, 200, { table: body.table, physicalName: body.physicalName }, 'application/json');
    } catch (error) {
      if (error instanceof AwsError) return sendAwsError(res, error, 'application/json');
      if (error instanceof AuthError) return sendAwsError(res, new AwsError(error.code, error.message, 403), 'application/json');
      if ((error as Error).name === 'ResourceNotFoundException') return sendAwsError(res, new AwsError('ResourceNotFoundException', (error as Error).message), 'application/json');
      throw error;
    }
  }

  private async authenticate(request: RawRequest): Promise<Principal & { service: string }> {
    const trusted = request.inProcessCaller === undefined ? undefined : this.keys.get(request.inProcessCaller);
    if (trusted) return { ...trusted.principal, service: 'in-process' };
    const caller = await verifySignature(request, (id) => this.keys.get(id)?.secret);
    return { ...this.keys.get(caller.accessKeyId)!.principal, service: caller.service };
  }

  async stop(): Promise<void> {
    await Promise.all(this.deliveries.map((d) => d.stop()));
    await this.transparency?.stop();
    this.restApi?.dispose();
    this.queues?.close();
    for (const client of this.clients) client.dispose();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.dynamo?.close().catch(() => undefined);
    await this.store?.close();
    if (this.endpoint) await removeCloudFile(this.options.dataDir, this.endpoint).catch(() => undefined);
  }
}
