/**
 * The embedded local cloud: one process, one loopback port, the real AWS wire
 * protocols (EventBridge and SQS over JSON, DynamoDB through dynalite), SigV4
 * checked on every call, running the stack's own synthesized template
 * (./template): its bus and rules, queues, tables, functions and their event
 * source mappings, REST API and schedules. This module boots and stops it;
 * ./router.ts routes requests, ./tables.ts keeps the tables, ./health.ts
 * reports, ./admin.ts re-points tables. See DESIGN.md §5.
 */
import { mkdir } from 'node:fs/promises';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AwsClientSettings } from '../../functions/lib/lambda-entry.ts';
import { checkTopology, type TableSpec, TOPOLOGY, type Topology } from '../topology.ts';
import { serveAdmin } from './admin.ts';
import type { Authorize, Caller } from './authorize.ts';
import { AwsError, sendAwsError, sendJson } from './aws-protocol.ts';
import { type KeyHolder, keyringFor } from './callers.ts';
import {
  cloudHolding,
  DataDirInUseError,
  isLockError,
  readCloudFile,
  removeCloudFile,
  writeCloudFile,
} from './cloud-file.ts';
import { LocalCloudWatch } from './cloudwatch.ts';
import { type CloudCredentials, type KeyPair, loadOrCreateCredentials, type Principal } from './credentials.ts';
import { Delivery, type DeliveryOptions, type SqsHandler } from './delivery.ts';
import { LocalDynamo } from './dynamodb.ts';
import { DynamoMeter } from './dynamodb-meter.ts';
import { unmeteredLookup } from './dynamodb-metering.ts';
import { ACCOUNT, LocalEventBridge } from './eventbridge.ts';
import { buildFunction, type LocalInvocable, runtimeEnvironment } from './function-runtime.ts';
import { cloudHealth, type HealthSources } from './health.ts';
import { createGuardedServer, DEFAULT_LIMITS, type ServerLimits } from './http-guard.ts';
import { authorizerFor, cloudAuthorize, iamResolver, LOCAL_PLACE, restApiStage } from './iam/index.ts';
import { InProcessHttpHandler, type RawRequest, UNSIGNED } from './in-process-http.ts';
import { QueueMetrics } from './queue-metrics.ts';
import { type QueueScope, queueScope } from './queue-scope.ts';
import { QueueStore } from './queue-store.ts';
import { Queues } from './queues.ts';
import { RestApi } from './rest-api.ts';
import { Router } from './router.ts';
import { LocalSchedules } from './schedules.ts';
import { AuthError, verifySignature } from './sigv4.ts';
import { LocalSqs } from './sqs.ts';
import { TableDirectory } from './tables.ts';
import { type ResolveContext, resolveString } from './template/intrinsics.ts';
import { type CloudPlan, functionEnvironment, planOf, resolveContext } from './template/plan.ts';
import type { LocalFunction } from './template/resources/functions.ts';
import { FUNCTIONS_NOT_RUN } from './template/resources/not-run.ts';
import { LOCAL_STACK_NAME, loadTemplate } from './template/source.ts';
import type { CfnTemplate } from './template/template-types.ts';
import { LocalTransparency, type TransparencyOptions } from './transparency.ts';

export interface CloudOptions {
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
  readonly inMemory?: boolean;
  /** The topology the stack is synthesized from (default: the repository's; tests and benches pass variants). */
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
  /** Batching window of every subscription in ms (default: each event source mapping's own, as Lambda applies it). */
  readonly batchingWindowMs?: number;
  /** Count DynamoDB requests and request units as AWS would bill them (`npm run bench`; costs a lookup per update). */
  readonly meterDynamo?: boolean;
  /** Checkpoints of the signed Merkle logs over the exchange log and the access ledger (functions/merkle). */
  readonly transparency?: TransparencyOptions;
  /**
   * Whether the template's schedules fire on their own (default) or only when triggered (`triggerSchedule`):
   * tests and simulations that set their own clock trigger them.
   */
  readonly schedules?: 'run' | 'on-trigger';
  /** Decides each call from the caller's ARN (default: the template's own IAM, as AWS would evaluate it). */
  readonly authorize?: Authorize;
  /**
   * The synthesized template to run (default: the stack synthesized from `topology`). A test passes a variant,
   * e.g. the stack with one grant removed, to see what that changes locally.
   */
  readonly template?: CfnTemplate;
}

/**
 * The names the stack gives a subscription's queues locally (infra/constructs/subscription.ts), for tests and
 * tools; the cloud itself reads them from the template.
 */
export const queueName = (subscription: string) => `mx-${subscription}`;
export const deadLetterQueueName = (subscription: string) => `mx-${subscription}-dlq`;

/**
 * In-process clients (the handlers', table creation) never open a socket, but
 * the SDK needs an endpoint to build a request; before the server listens
 * there is no real one.
 */
const IN_PROCESS_ENDPOINT = 'http://in-process.localhost';
const PLATFORM: Principal = { kind: 'platform' };

type ApiHandler = (event: APIGatewayProxyEvent, context: unknown) => Promise<APIGatewayProxyResult>;

/** A subscription as the template wires it: rule → queue → event source mapping → function. */
interface RunningSubscription {
  readonly subscription: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly fn: LocalFunction;
  readonly delivery: Delivery;
  env: string;
  invocable: LocalInvocable<SqsHandler>;
}

export class LocalCloud {
  endpoint = '';
  private server?: Server;
  private subscriptions: RunningSubscription[] = [];
  /** Functions behind the REST API and schedules, built on first use, by logical id. */
  private readonly functions = new Map<string, { env: string; built: Promise<LocalInvocable<never>> }>();
  private keys = new Map<string, KeyHolder>();
  private roleKeys = new Map<string, KeyPair>();
  readonly topology: Topology;
  /** What runs, read from the stack's synthesized template. */
  plan!: CloudPlan;
  credentials!: CloudCredentials;
  private store!: QueueStore;
  queues!: Queues;
  eventBridge!: LocalEventBridge;
  private sqs!: LocalSqs;
  private cloudWatch!: LocalCloudWatch;
  private dynamo!: LocalDynamo;
  private tables!: TableDirectory;
  /** Set when metering: what the platform has asked of DynamoDB so far. */
  dynamoMeter?: DynamoMeter;
  private readonly log: (message: string) => void;
  private readonly disposables: { dispose(): void }[] = [];
  private restApi?: RestApi;
  private schedules?: LocalSchedules;
  private readonly router: Router;
  /** The template's IAM, rebuilt when a table is switched (its grants name the physical table). */
  private iamAuthorize: Authorize = () => ({
    allowed: false,
    refusal: 'the local cloud is still starting',
    status: 400,
  });
  /** The checkpointers of the exchange log's and the access ledger's Merkle trees. */
  transparency?: LocalTransparency;

  private constructor(private readonly options: CloudOptions) {
    this.topology = options.topology ?? TOPOLOGY;
    this.log = options.log ?? (() => undefined);
    const authorize: Authorize = (caller, request) => (options.authorize ?? this.iamAuthorize)(caller, request);
    this.router = new Router({
      sqs: () => this.sqs,
      cloudWatch: () => this.cloudWatch,
      eventBridge: () => this.eventBridge,
      dynamo: () => this.dynamo,
      meter: () => this.dynamoMeter,
      restApi: () => this.restApi,
      authenticate: (request) => this.authenticate(request),
      authorize,
      serveHealth: (request, res) => this.serveHealth(request, res),
      serveAdmin: (request, res) =>
        serveAdmin(
          {
            authenticate: (r) => this.authenticate(r),
            switchTable: (id, physical) => this.switchTable(id, physical),
            schedules: () => this.scheduleNames,
            triggerSchedule: (name, time) => this.triggerSchedule(name, time),
          },
          request,
          res,
        ),
      log: this.log,
    });
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
    this.plan = planOf(this.options.template ?? (await loadTemplate(this.options.topology, this.log)));
    const plan = this.plan;
    const sessions = new Map(plan.functions.map((f) => [f.roleLogicalId, f.name]));
    const keyring = keyringFor(this.credentials, plan.roles, ACCOUNT, sessions);
    this.keys = new Map(keyring.keys);
    this.roleKeys = new Map(keyring.roleKeys);
    this.tables = await TableDirectory.open(plan.tables, dataDir, inMemory);
    const region = this.credentials.region;
    this.iamAuthorize = this.templateIam();

    // Nothing is served before the durable state is ready: the queues are
    // restored, the tables exist and the deliveries run before the port opens.
    this.store = await QueueStore.open(inMemory ? undefined : path.join(dataDir, 'queues'));
    const metrics = new QueueMetrics();
    this.queues = new Queues(this.store, metrics);
    this.cloudWatch = new LocalCloudWatch(metrics);
    const consumed = new Set(plan.eventSourceMappings.map((m) => m.queueLogicalId));
    const queueNameOf = (logicalId: string) => plan.queues.find((q) => q.logicalId === logicalId)!.name;
    for (const queue of plan.queues) {
      this.queues.define({
        name: queue.name,
        visibilityTimeoutMs: queue.visibilityTimeoutSeconds * 1000,
        ...(consumed.has(queue.logicalId) ? { retryDelayMs: this.options.retryDelayMs ?? 1000 } : {}),
        ...(queue.deadLetter
          ? {
              deadLetter: {
                queue: queueNameOf(queue.deadLetter.queueLogicalId),
                maxReceiveCount: queue.deadLetter.maxReceiveCount,
              },
            }
          : {}),
      });
    }
    const restored = await this.queues.restore();
    if (restored) this.log(`restored ${restored} queued message(s) from ${dataDir}`);
    const rules = plan.rules.map((rule) => {
      if (rule.targets.length !== 1 || !plan.queues.some((q) => q.logicalId === rule.targets[0]))
        throw new Error(`${rule.logicalId}: the local cloud routes a rule to exactly one of the template's queues`);
      return {
        name: rule.name,
        pattern: rule.pattern,
        description: rule.description,
        queue: queueNameOf(rule.targets[0]!),
      };
    });
    this.eventBridge = new LocalEventBridge(plan.bus.name, rules, this.queues, region);
    this.sqs = new LocalSqs(this.queues, region, () => this.endpoint);

    this.dynamo = new LocalDynamo(inMemory ? undefined : path.join(dataDir, 'dynamodb'), { log: this.log });
    if (this.options.meterDynamo)
      this.dynamoMeter = new DynamoMeter(
        unmeteredLookup(() => this.inProcessConfig(), this.disposables),
        (table) => this.tables.indexKeys(table),
      );
    await this.dynamo.start();
    const admin = new DynamoDBClient(this.inProcessConfig());
    try {
      await this.tables.ensure(admin);
    } finally {
      admin.destroy();
    }
    // Before any writer runs: the checkpointers read the leaf counters a previous process left.
    this.transparency = await LocalTransparency.start({
      dataDir,
      inMemory,
      clientConfig: this.inProcessConfig(),
      tableName: (id) => this.tableName(id),
      hasTable: (id) => this.tables.has(id),
      ...(this.options.transparency ? { options: this.options.transparency } : {}),
      log: this.log,
    });
    await this.startSubscriptions();
    this.restApi = this.newRestApi();
    this.schedules = this.newSchedules();
    if ((this.options.schedules ?? 'run') === 'run') this.schedules.start();

    const server = createGuardedServer(this.router.route, this.log, { ...DEFAULT_LIMITS, ...this.options.http });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.endpoint = `http://${address.address}:${address.port}`;
    await writeCloudFile(dataDir, {
      pid: process.pid,
      port: address.port,
      endpoint: this.endpoint,
      started: new Date().toISOString(),
      inMemory,
    });
  }

  /** How the template's intrinsics resolve here: this cloud's account, region, tables, and the data dir's secret. */
  private resolveContext(): ResolveContext {
    return resolveContext(this.plan, {
      pseudo: {
        region: this.credentials.region,
        accountId: ACCOUNT,
        partition: 'aws',
        urlSuffix: 'amazonaws.com',
        stackName: LOCAL_STACK_NAME,
      },
      tableName: (id) => this.tableName(id),
      // The template's one secret is the person-key HMAC key: locally the data dir's, so existing data keeps its keys.
      secretValue: () => this.credentials.personKeySecret,
    });
  }

  /**
   * The template's IAM over this cloud's names: the cloud's resolver first (so policies name the tables, queues
   * and roles it materialised), the IAM module's for what it does not materialise (the REST API and its stage).
   */
  private templateIam(): Authorize {
    const context = this.resolveContext();
    const place = { ...LOCAL_PLACE, region: this.credentials.region, account: ACCOUNT };
    const resolve = iamResolver(this.plan.template, place, (value) => resolveString(value, context, 'IAM policy'));
    const authorizer = authorizerFor(this.plan.template, place, resolve);
    const api = restApiStage(this.plan.template, resolve) ?? { apiId: 'none', stage: 'none' };
    const decide = cloudAuthorize(authorizer, api);
    return (caller, request) => decide(caller, request);
  }

  /** A function's environment as Lambda would set it: the template's, resolved, plus the runtime's. */
  private environmentOf(fn: LocalFunction): Record<string, string> {
    return { ...runtimeEnvironment(fn, this.credentials.region), ...functionEnvironment(fn, this.resolveContext()) };
  }

  /** SDK settings for a function: in-process, as its own role. */
  private functionAws(fn: LocalFunction): AwsClientSettings {
    const keys = this.roleKeys.get(fn.roleLogicalId);
    if (!keys) throw new Error(`${fn.logicalId}: its role ${fn.roleLogicalId} has no local key pair`);
    return this.inProcessConfig(keys);
  }

  private async startSubscriptions(): Promise<void> {
    const plan = this.plan;
    for (const mapping of plan.eventSourceMappings) {
      const fn = plan.functions.find((f) => f.logicalId === mapping.functionLogicalId);
      const queue = plan.queues.find((q) => q.logicalId === mapping.queueLogicalId);
      const rule = plan.rules.find((r) => r.targets.includes(mapping.queueLogicalId));
      if (!fn || !queue || !rule)
        throw new Error(
          `${mapping.logicalId}: an event source mapping needs a function, a queue and a rule feeding it`,
        );
      const deadLetterQueue = queue.deadLetter
        ? plan.queues.find((q) => q.logicalId === queue.deadLetter!.queueLogicalId)!.name
        : undefined;
      if (!deadLetterQueue) throw new Error(`${queue.logicalId}: a subscription queue without a redrive policy`);
      const env = this.environmentOf(fn);
      const invocable = await buildFunction<SqsHandler>(fn, env, this.functionAws(fn));
      const running: RunningSubscription = {
        subscription: rule.name,
        queue: queue.name,
        deadLetterQueue,
        fn,
        env: JSON.stringify(env),
        invocable,
        delivery: new Delivery({
          spec: {
            name: rule.name,
            delivery: {
              batchSize: mapping.batchSize,
              maxBatchingWindowSeconds: mapping.maxBatchingWindowSeconds,
              maxReceiveCount: queue.deadLetter!.maxReceiveCount,
              handlerTimeoutSeconds: fn.timeoutSeconds,
            },
          },
          queue: queue.name,
          queueArn: this.sqs.arn(queue.name),
          region: this.credentials.region,
          handler: invocable.handler,
          queues: this.queues,
          concurrency: this.options.concurrency ?? 2,
          ...(this.options.batchingWindowMs !== undefined ? { batchingWindowMs: this.options.batchingWindowMs } : {}),
          log: this.log,
          ...(this.options.onDelivered ? { onDelivered: this.options.onDelivered } : {}),
        }),
      };
      running.delivery.start();
      this.subscriptions.push(running);
    }
  }

  /** A function behind the API or a schedule, built once per environment (a switched table rebuilds it). */
  private functionFor<H>(logicalId: string): Promise<LocalInvocable<H>> | undefined {
    const fn = this.plan.functions.find((f) => f.logicalId === logicalId);
    if (!fn || Object.hasOwn(FUNCTIONS_NOT_RUN, fn.module)) return undefined;
    const env = this.environmentOf(fn);
    const key = JSON.stringify(env);
    const cached = this.functions.get(logicalId);
    if (cached?.env === key) return cached.built as Promise<LocalInvocable<H>>;
    const built = buildFunction<H>(fn, env, this.functionAws(fn));
    this.functions.set(logicalId, { env: key, built: built as Promise<LocalInvocable<never>> });
    void cached?.built.then(
      (old) => old.dispose(),
      () => undefined,
    );
    return built;
  }

  private newRestApi(): RestApi {
    return new RestApi({
      topology: this.topology,
      routes: this.plan.routes,
      functionOf: (id) => this.functionFor<ApiHandler>(id) ?? Promise.resolve(undefined),
      authenticate: (request) => this.authenticate(request),
      authorize: (caller, request) => (this.options.authorize ?? this.iamAuthorize)(caller, request),
      log: this.log,
    });
  }

  private newSchedules(): LocalSchedules {
    const targets = this.plan.schedules.flatMap((schedule) => {
      const runnable = schedule.targets.filter((id) => {
        const fn = this.plan.functions.find((f) => f.logicalId === id);
        return fn && !Object.hasOwn(FUNCTIONS_NOT_RUN, fn.module);
      });
      if (!runnable.length) return [];
      return [
        {
          name: schedule.name,
          expression: schedule.expression,
          ruleArn: `arn:aws:events:${this.credentials.region}:${ACCOUNT}:rule/${schedule.name}`,
          invoke: async (event: unknown) => {
            for (const id of runnable) {
              const fn = await this.functionFor<(event: unknown, context: unknown) => Promise<unknown>>(id)!;
              const context = {
                functionName: id,
                awsRequestId: event && typeof event === 'object' ? String((event as { id?: unknown }).id) : '',
                getRemainingTimeInMillis: () => 30_000,
              };
              await fn.handler(event, context);
            }
          },
        },
      ];
    });
    return new LocalSchedules(targets, ACCOUNT, this.credentials.region, this.log);
  }

  /** Runs a schedule of the template now (e.g. the nightly overstay check), as if it fired at `time`. */
  triggerSchedule(name: string, time?: Date): Promise<void> {
    return this.schedules!.trigger(name, time);
  }

  /** The schedules the template declares that run here. */
  get scheduleNames(): string[] {
    return this.schedules?.names ?? [];
  }

  private get healthSources(): HealthSources {
    return {
      topology: this.topology,
      queues: this.queues,
      dynamo: { backend: this.dynamo.backend, description: this.dynamo.description },
      tables: () => this.tables.ids.map((id) => [id, this.tableName(id)]),
      deliveries: () =>
        this.subscriptions.map((s) => ({
          subscription: s.subscription,
          queue: s.queue,
          deadLetterQueue: s.deadLetterQueue,
          stats: s.delivery.stats,
        })),
      ...(this.transparency ? { transparency: () => this.transparency!.description } : {}),
    };
  }

  /**
   * Liveness plus queue depths of the subscriptions in scope (default: all):
   * the simulator and tests wait for `pending` to reach 0.
   */
  health(scope: QueueScope = queueScope(this.topology, PLATFORM)) {
    return cloudHealth(this.healthSources, scope);
  }

  deliveryStats() {
    return this.subscriptions.map((s) => ({ subscription: s.subscription, ...s.delivery.stats }));
  }

  /** SDK settings for code inside the cloud: requests go straight to `dispatch`, as `keys`' principal, unsigned. */
  inProcessConfig(keys: KeyPair = this.credentials.platform) {
    return {
      ...this.clientConfig(keys),
      requestHandler: new InProcessHttpHandler(this.router.dispatch, keys.accessKeyId),
      signer: UNSIGNED,
    };
  }

  clientConfig(keys: KeyPair = this.credentials.platform) {
    return {
      endpoint: this.endpoint || IN_PROCESS_ENDPOINT,
      region: this.credentials.region,
      credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    };
  }

  /** The physical table behind a table id (a replayed view may have been switched to a rebuilt table). */
  tableName(spec: TableSpec | string): string {
    return this.tables.name(typeof spec === 'string' ? spec : spec.id);
  }

  /**
   * Points a table at another physical table (after `mx replay`): every
   * function whose resolved environment changes is rebuilt with it, and the
   * choice survives restarts.
   */
  async switchTable(id: string, physical: string): Promise<void> {
    const client = new DynamoDBClient(this.inProcessConfig());
    try {
      await this.tables.switch(id, physical, client);
    } finally {
      client.destroy();
    }
    this.iamAuthorize = this.templateIam();
    for (const running of this.subscriptions) {
      const env = this.environmentOf(running.fn);
      if (JSON.stringify(env) === running.env) continue;
      const previous = running.invocable;
      running.invocable = await buildFunction<SqsHandler>(running.fn, env, this.functionAws(running.fn));
      running.env = JSON.stringify(env);
      running.delivery.setHandler(running.invocable.handler);
      previous.dispose();
    }
    this.log(`table ${id} now served by ${physical}`);
  }

  /**
   * GET /_mx/health (and LocalStack's /_localstack/health): liveness for
   * anyone; queue, delivery and table details only for a signed platform or
   * operator request, an operator's limited to its ministry's queues.
   */
  private async serveHealth(request: RawRequest, res: ServerResponse): Promise<void> {
    const liveness = request.url.startsWith('/_localstack/')
      ? { status: 'running', services: { events: 'running', dynamodb: 'running', sqs: 'running' } }
      : { status: 'running' };
    if (!request.headers.authorization) return sendJson(res, 200, liveness, 'application/json');
    let principal: Principal;
    try {
      principal = await this.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError)
        return sendAwsError(res, new AwsError(error.code, error.message, 403), 'application/json');
      throw error;
    }
    if (principal.kind === 'agency') return sendJson(res, 200, liveness, 'application/json');
    sendJson(res, 200, this.health(queueScope(this.topology, principal)), 'application/json');
  }

  private async authenticate(request: RawRequest): Promise<Caller & { service: string }> {
    const trusted = request.inProcessCaller === undefined ? undefined : this.keys.get(request.inProcessCaller);
    if (trusted) return { ...trusted.caller, service: 'in-process' };
    const signed = await verifySignature(request, (id) => this.keys.get(id)?.secret);
    return { ...this.keys.get(signed.accessKeyId)!.caller, service: signed.service };
  }

  async stop(): Promise<void> {
    this.schedules?.stop();
    await Promise.all(this.subscriptions.map((s) => s.delivery.stop()));
    await this.transparency?.stop();
    this.queues?.close();
    for (const running of this.subscriptions) running.invocable.dispose();
    for (const { built } of this.functions.values())
      void built.then(
        (fn) => fn.dispose(),
        () => undefined,
      );
    for (const disposable of this.disposables) disposable.dispose();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.dynamo?.close().catch(() => undefined);
    await this.store?.close();
    if (this.endpoint) await removeCloudFile(this.options.dataDir, this.endpoint).catch(() => undefined);
  }
}
