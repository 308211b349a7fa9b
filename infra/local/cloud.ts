/**
 * The embedded local cloud: one process, one loopback port, the real AWS wire
 * protocols (EventBridge and SQS over JSON, DynamoDB through dynalite), SigV4
 * checked on every call, and the topology's subscriptions delivered to their
 * handlers in-process. See DESIGN.md §5.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient, withClients, type Clients } from '../../functions/lib/clients.ts';
import { REPO_ROOT } from '../paths.ts';
import { agencyForSource, checkTopology, TOPOLOGY, visibilityTimeoutSeconds, type SubscriptionSpec, type TableSpec, type Topology } from '../topology.ts';
import { AwsError, parseJsonBody, readBody, sendAwsError, sendJson } from './aws-protocol.ts';
import { keyring, loadOrCreateCredentials, type CloudCredentials, type KeyPair, type Principal } from './credentials.ts';
import { Delivery, type DeliveryOptions, type SqsHandler } from './delivery.ts';
import { RestApi } from './rest-api.ts';
import { serveConsole } from './console.ts';
import { listDeadLetters } from './dead-letters.ts';
import { LocalDynamo } from './dynamodb.ts';
import { LocalEventBridge } from './eventbridge.ts';
import { loadHandler } from './handlers.ts';
import { MAX_REQUEST_BYTES } from './put-events.ts';
import { QueueStore } from './queue-store.ts';
import { Queues } from './queues.ts';
import { AuthError, verifySignature } from './sigv4.ts';
import { BufferedResponse, InProcessHttpHandler, type RawRequest } from './in-process-http.ts';
import { LocalSqs } from './sqs.ts';

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
}

export const queueName = (subscription: string) => `mx-${subscription}`;
export const deadLetterQueueName = (subscription: string) => `mx-${subscription}-dlq`;

const TARGET_PREFIXES = { events: 'AWSEvents.', dynamodb: 'DynamoDB_20120810.', sqs: 'AmazonSQS.' } as const;
/** dynalite's own request limit; DynamoDB's is 16 MB for BatchWriteItem. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

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
  private readonly log: (message: string) => void;
  private readonly clients: { dispose(): void }[] = [];
  private restApi?: RestApi;

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
      throw error;
    }
    return cloud;
  }

  private async boot(): Promise<void> {
    checkTopology(this.topology);
    const { dataDir, inMemory = false } = this.options;
    await mkdir(dataDir, { recursive: true });
    this.credentials = await loadOrCreateCredentials(dataDir);
    if (!inMemory) {
      const saved = await readFile(this.overridesFile, 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => ({}));
      for (const [id, physical] of Object.entries(saved)) this.tableOverrides.set(id, physical);
    }
    this.keys = keyring(this.credentials);
    const region = this.credentials.region;

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
    this.eventBridge = new LocalEventBridge(this.topology, this.queues, region, queueName);
    this.eventBridge.onAccepted = (events) => {
      const now = Date.now();
      for (let i = 0; i < events.length; i++) this.acceptedTimes.push(now);
      if (this.acceptedTimes.length > 100_000 || (this.acceptedTimes[0] ?? now) < now - 60_000) this.acceptedTimes = this.acceptedTimes.filter((t) => t > now - 60_000);
    };
    this.sqs = new LocalSqs(this.queues, region, () => this.endpoint);

    this.dynamo = new LocalDynamo(inMemory ? undefined : path.join(dataDir, 'dynamodb'), { log: this.log });
    await this.dynamo.start();

    this.server = createServer((req, res) => void this.route(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.endpoint = `http://${address.address}:${address.port}`;

    await this.createTables();
    const restored = await this.queues.restore();
    if (restored) this.log(`restored ${restored} queued message(s) from ${dataDir}`);
    await this.startDeliveries();
    this.restApi = await this.loadRestApi();
  }

  private loadRestApi(): Promise<RestApi> {
    return RestApi.load(this.topology, {
      region: this.credentials.region,
      secret: this.credentials.personKeySecret,
      requestHandler: new InProcessHttpHandler(this.dispatch),
      clientConfig: (keys) => this.clientConfig(keys),
      credentials: this.credentials,
      tableName: (id) => this.tableName(id),
      authenticate: (request) => this.authenticate(request),
      exchange: {
        health: () => this.exchangeHealth(),
        deadLetters: () => listDeadLetters(this.queues, this.topology.subscriptions.map((s) => deadLetterQueueName(s.name))),
        redrive: (queue) => this.queues.redrive(queue),
      },
    });
  }

  /** What the console's exchange page shows: per-subscription depths, dead letters, throughput and lag. */
  exchangeHealth() {
    const health = this.health();
    const now = Date.now();
    const oldest = this.topology.subscriptions.map((s) => this.queues.oldestSentAt(queueName(s.name))).filter((t): t is number => t !== undefined);
    return {
      pending: health.pending,
      deadLetters: health.deadLetters,
      eventsPerMinute: this.acceptedTimes.filter((t) => t > now - 60_000).length,
      lagSeconds: oldest.length ? Math.round((now - Math.min(...oldest)) / 100) / 10 : 0,
      subscriptions: this.topology.subscriptions.map((s, i) => {
        const queue = health.queues.find((q) => q.name === queueName(s.name))!;
        const dlq = health.queues.find((q) => q.name === deadLetterQueueName(s.name))!;
        const stats = this.deliveries[i]?.stats;
        return { subscription: s.name, visible: queue.visible, inFlight: queue.inFlight, deadLetters: dlq.visible + dlq.inFlight, delivered: stats?.delivered ?? 0, failed: stats?.failed ?? 0 };
      }),
    };
  }

  /** SDK clients bound to this cloud, with the given key pair (default: the platform's). */
  clientConfig(keys: KeyPair = this.credentials.platform) {
    return {
      endpoint: this.endpoint,
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
    const client = new DynamoDBClient({ ...this.clientConfig(), requestHandler: new InProcessHttpHandler(this.dispatch) });
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

  private async createTables(): Promise<void> {
    const client = new DynamoDBClient(this.clientConfig());
    try {
      for (const spec of this.topology.tables) {
        try {
          await client.send(new DescribeTableCommand({ TableName: this.tableName(spec) }));
          continue;
        } catch (error) {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        }
        const keys = [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : []), ...(spec.indexes ?? []).flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])];
        const attributes = [...new Map(keys.map((k) => [k.name, k])).values()];
        await client.send(
          new CreateTableCommand({
            TableName: this.tableName(spec),
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: attributes.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
            KeySchema: [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }, ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : [])],
            ...(spec.indexes?.length
              ? {
                  GlobalSecondaryIndexes: spec.indexes.map((index) => ({
                    IndexName: index.name,
                    KeySchema: [
                      { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
                      ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
                    ],
                    Projection: { ProjectionType: 'ALL' as const },
                  })),
                }
              : {}),
          }),
        );
      }
    } finally {
      client.destroy();
    }
  }

  private loadSubscriptionHandler(sub: SubscriptionSpec): Promise<SqsHandler> {
    return loadHandler<SqsHandler>(REPO_ROOT, sub.handler, sub.name, {
      TABLE_NAME: this.tableName(sub.table),
      PERSON_KEY_SECRET: this.credentials.personKeySecret,
      SUBSCRIPTION: sub.name,
      EVENT_BUS_NAME: this.topology.busName,
      POWERTOOLS_SERVICE_NAME: sub.name,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // EMF metrics would only be printed here; the local cloud shows breaches and dead letters itself.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      AWS_REGION: this.credentials.region,
      ...sub.environment,
    });
  }

  private async startDeliveries(): Promise<void> {
    const region = this.credentials.region;
    for (const sub of this.topology.subscriptions) {
      const publisher = sub.publishes?.[0] ? agencyForSource(sub.publishes[0]) : undefined;
      const eventsKeys = publisher ? this.credentials.agencies[publisher.id] : this.credentials.platform;
      const requestHandler = new InProcessHttpHandler(this.dispatch);
      const dynamoClient = new DynamoDBClient({ ...this.clientConfig(), requestHandler });
      const eventsClient = new EventBridgeClient({ ...this.clientConfig(eventsKeys), requestHandler });
      this.clients.push({ dispose: () => (dynamoClient.destroy(), eventsClient.destroy()) });
      const clients: Clients = { dynamo: documentClient(dynamoClient), events: eventsClient };
      const handler = await this.loadSubscriptionHandler(sub);
      const delivery = new Delivery({
        spec: sub,
        queue: queueName(sub.name),
        queueArn: this.sqs.arn(queueName(sub.name)),
        region,
        handler,
        queues: this.queues,
        concurrency: this.options.concurrency ?? 2,
        scope: (fn) => withClients(clients, fn),
        log: this.log,
        ...(this.options.onDelivered ? { onDelivered: this.options.onDelivered } : {}),
      });
      delivery.start();
      this.deliveries.push(delivery);
    }
  }

  /** Liveness plus queue depths: the simulator and tests wait for `pending` to reach 0. */
  health() {
    const queues = this.queues.stats();
    return {
      status: 'running',
      services: { events: 'running', dynamodb: 'running', sqs: 'running' },
      dynamodb: { backend: this.dynamo.backend, detail: this.dynamo.description },
      pending: queues.filter((q) => !q.name.endsWith('-dlq')).reduce((n, q) => n + q.visible + q.inFlight, 0),
      deadLetters: queues.filter((q) => q.name.endsWith('-dlq')).reduce((n, q) => n + q.visible + q.inFlight, 0),
      queues,
      deliveries: this.deliveryStats(),
      tables: Object.fromEntries(this.topology.tables.map((t) => [t.id, this.tableName(t)])),
    };
  }

  deliveryStats() {
    return this.topology.subscriptions.map((sub, i) => ({ subscription: sub.name, ...this.deliveries[i]?.stats }));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      if (req.method === 'GET' && (req.url === '/_mx/health' || req.url === '/_localstack/health')) {
        sendJson(res, 200, this.health(), 'application/json');
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      body = await readBody(req, target.startsWith(TARGET_PREFIXES.events) ? MAX_REQUEST_BYTES + 64 * 1024 : MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof AwsError) return sendAwsError(res, error);
      throw error;
    }
    if (req.method === 'GET' && req.url && (await serveConsole(req.url, res))) return;
    if (req.url === '/_mx/admin/tables' && req.method === 'POST') {
      await this.switchTableRequest({ method: req.method, url: req.url, headers: req.headers, body }, res);
      return;
    }
    if (req.url && this.restApi?.handles(req.url)) {
      await this.restApi.serve({ method: req.method ?? 'GET', url: req.url, headers: req.headers, body }, res);
      return;
    }
    await this.dispatch({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, res as unknown as BufferedResponse);
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
      const operation = target.slice(TARGET_PREFIXES[service].length);
      if (service === 'dynamodb') {
        if (principal.kind !== 'platform') throw new AwsError('AccessDeniedException', `only the platform principal may call DynamoDB ${operation} on the local cloud`);
        this.dynamo.handle(request, out);
        return;
      }
      if (service === 'sqs' && principal.kind !== 'platform') throw new AwsError('AccessDeniedException', `only the platform principal may call SQS ${operation}`);
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
    const caller = await verifySignature(request, (id) => this.keys.get(id)?.secret);
    return { ...this.keys.get(caller.accessKeyId)!.principal, service: caller.service };
  }

  async stop(): Promise<void> {
    await Promise.all(this.deliveries.map((d) => d.stop()));
    this.restApi?.dispose();
    this.queues?.close();
    for (const client of this.clients) client.dispose();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.dynamo?.close().catch(() => undefined);
    await this.store?.close();
  }
}
