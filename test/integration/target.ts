/**
 * Where the integration suite runs: the one place that reads the environment.
 *
 * By default every test file starts its own embedded cloud (`startTestCloud`), as it always has. With
 * `MX_TEST_ENDPOINT` set, the tests that can run against any endpoint (see `startTarget`) use that endpoint
 * instead, and the tests that need a cloud they control (kill -9, restarts, data-dir inspection, in-process
 * hooks and counters) are skipped with `describe.skipIf(remote)` / `it.skipIf(remote)` and the reason beside them.
 *
 * Who signs, remotely:
 * - `MX_TEST_DATA_DIR`: a local cloud's data dir (`npm start -- --data-dir <dir>`): its `credentials.json` holds
 *   every agency's, operator's and the platform's keys, and `mx` commands find the cloud through it;
 * - otherwise `MX_TEST_CREDENTIALS`: a file shaped like `mx credentials --json` (the agencies' and operators' keys,
 *   temporary ones with their session token, e.g. from `aws sts assume-role` on the stack's roles, as `mx smoke
 *   --credentials` takes), and the platform is the SDK's default provider chain (AWS_PROFILE, AWS_ACCESS_KEY_ID...).
 * `MX_TEST_API` is the REST APIs' base (the stack's ApiUrl output, stage included; default: the endpoint),
 * `MX_TEST_BUS` the bus (the EventBusName output; default the topology's), `MX_TEST_REGION` the region, and
 * `MX_TEST_TABLES` a JSON map from topology table id to physical name where a deployment generated the names.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { documentClient } from '../../functions/lib/document-client.ts';
import { credentialsFileSchema } from '../../infra/cli/smoke-identities.ts';
import { type KeyPair, readCredentials } from '../../infra/local/credentials.ts';
import { MINISTRIES, type Ministry, TOPOLOGY } from '../../infra/topology.ts';
import { MX, settled, startTestCloud, type TestCloud, waitFor } from './cloud-harness.ts';

/** Keys as a caller holds them: temporary ones (an assumed role's) carry a session token. */
export type Keys = KeyPair & { readonly sessionToken?: string };

export interface TargetCredentials {
  readonly region: string;
  readonly agencies: Readonly<Record<Ministry, Keys>>;
  readonly operators: Readonly<Record<Ministry, Keys>>;
  /** The platform's principal: a key pair on a local cloud, the default provider chain on a deployment. */
  readonly platform: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** What the portable tests use: an endpoint, who signs, and clients; nothing that needs the cloud in this process. */
export interface TestTarget {
  readonly remote: boolean;
  /** The embedded cloud, for the few checks only a cloud in this process allows (guard them with `skipIf(remote)`). */
  readonly local: TestCloud | undefined;
  /** The AWS API endpoint (EventBridge, DynamoDB, SQS); undefined on AWS itself, where the region says. */
  readonly endpoint: string | undefined;
  /** The REST APIs' base URL, without a trailing slash (`${api}/api/whoami`, `${api}/commands/berkut`). */
  readonly api: string;
  readonly busName: string;
  readonly credentials: TargetCredentials;
  /** The physical name of a topology table. */
  tableName(id: string): string;
  events(agency: Ministry): EventBridgeClient;
  eventsWith(keys: Keys): EventBridgeClient;
  platformEvents(): EventBridgeClient;
  doc(): ReturnType<typeof documentClient>;
  /** Runs `mx` against the target; needs a local cloud (embedded, or remote with MX_TEST_DATA_DIR). */
  mx(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Waits until every subscription queue is drained (what was published has been handled). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The remote target the environment names, or undefined for the embedded cloud. */
export interface RemoteSettings {
  readonly endpoint: string;
  readonly api: string;
  readonly busName: string;
  readonly region: string | undefined;
  readonly dataDir: string | undefined;
  readonly credentialsFile: string | undefined;
  readonly tables: Readonly<Record<string, string>>;
}

/** Reads the target from an environment (pure, so a wrong setting is named before any test runs). */
export function remoteSettings(env: NodeJS.ProcessEnv): RemoteSettings | undefined {
  const endpoint = env.MX_TEST_ENDPOINT?.replace(/\/$/, '');
  const others = ['MX_TEST_DATA_DIR', 'MX_TEST_CREDENTIALS', 'MX_TEST_API', 'MX_TEST_BUS', 'MX_TEST_TABLES'];
  const named = others.filter((k) => env[k]);
  if (!endpoint) {
    if (named.length > 0) throw new Error(`${named.join(', ')} set without MX_TEST_ENDPOINT: set it, or unset them`);
    return undefined;
  }
  if (!/^https?:\/\//.test(endpoint)) throw new Error(`MX_TEST_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  if (!env.MX_TEST_DATA_DIR && !env.MX_TEST_CREDENTIALS) {
    throw new Error(
      'MX_TEST_ENDPOINT needs MX_TEST_DATA_DIR (a local cloud\u2019s data dir) or MX_TEST_CREDENTIALS (a keys file)',
    );
  }
  let tables: Record<string, string> = {};
  if (env.MX_TEST_TABLES) {
    const notAMap = (why: string) => new Error(`MX_TEST_TABLES is not a JSON object of table id to name: ${why}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.MX_TEST_TABLES);
    } catch (error) {
      throw notAMap((error as Error).message);
    }
    const isMap = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    const names = isMap ? Object.values(parsed as object) : [];
    if (!isMap || names.some((name) => typeof name !== 'string')) throw notAMap(env.MX_TEST_TABLES);
    tables = parsed as Record<string, string>;
  }
  return {
    endpoint,
    api: (env.MX_TEST_API ?? endpoint).replace(/\/$/, ''),
    busName: env.MX_TEST_BUS ?? TOPOLOGY.busName,
    region: env.MX_TEST_REGION,
    dataDir: env.MX_TEST_DATA_DIR,
    credentialsFile: env.MX_TEST_CREDENTIALS,
    tables,
  };
}

export const REMOTE = remoteSettings(process.env);
/** True when the suite runs against an endpoint it did not start: use with `describe.skipIf` / `it.skipIf`. */
export const remote = REMOTE !== undefined;
/** Whether `mx` can reach the target: a local cloud, embedded or named by its data dir (not a deployment). */
export const mxReachable = REMOTE === undefined || REMOTE.dataDir !== undefined;

async function remoteCredentials(settings: RemoteSettings): Promise<TargetCredentials> {
  if (settings.dataDir) {
    const local = await readCredentials(settings.dataDir);
    if (!local) throw new Error(`MX_TEST_DATA_DIR ${settings.dataDir} holds no credentials.json: start a cloud on it`);
    const { agencies, operators, platform } = local;
    return { region: settings.region ?? local.region, agencies, operators, platform };
  }
  const file = settings.credentialsFile!;
  const json = JSON.parse(await readFile(file, 'utf8')) as { platform?: Keys };
  const parsed = credentialsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`MX_TEST_CREDENTIALS ${file}: ${issues.join('; ')}`);
  }
  const region = settings.region ?? parsed.data.region ?? process.env.AWS_REGION;
  if (!region) throw new Error(`no region: set MX_TEST_REGION or put "region" in ${file}`);
  const missing = MINISTRIES.filter((m) => !parsed.data.agencies[m] || !parsed.data.operators[m]);
  if (missing.length > 0) throw new Error(`${file} lacks the agency or operator keys of ${missing.join(', ')}`);
  return {
    region,
    agencies: parsed.data.agencies as Record<Ministry, Keys>,
    operators: parsed.data.operators as Record<Ministry, Keys>,
    platform: json.platform ?? defaultProvider(),
  };
}

/** An embedded cloud seen through the target interface, so a test file is written once for both modes. */
function embeddedTarget(env: TestCloud): TestTarget {
  return {
    remote: false,
    local: env,
    endpoint: env.endpoint,
    api: env.endpoint,
    busName: TOPOLOGY.busName,
    credentials: env.cloud.credentials,
    tableName: (id) => env.cloud.tableName(id),
    events: env.events,
    eventsWith: env.eventsWith,
    platformEvents: env.platformEvents,
    doc: env.doc,
    mx: env.mx,
    settle: async () => void (await settled(env)),
    stop: env.stop,
  };
}

async function remoteTarget(settings: RemoteSettings): Promise<TestTarget> {
  const credentials = await remoteCredentials(settings);
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T) => {
    clients.push(client);
    return client;
  };
  const config = (keys: TargetCredentials['platform']) => ({
    endpoint: settings.endpoint,
    region: credentials.region,
    credentials: keys,
    maxAttempts: 1,
  });
  const sqs = track(new SQSClient(config(credentials.platform)));
  const run = promisify(execFile);
  return {
    remote: true,
    local: undefined,
    endpoint: settings.endpoint,
    api: settings.api,
    busName: settings.busName,
    credentials,
    tableName: (id) => settings.tables[id] ?? id,
    events: (agency) => track(new EventBridgeClient(config(credentials.agencies[agency]))),
    eventsWith: (keys) => track(new EventBridgeClient(config(keys))),
    platformEvents: () => track(new EventBridgeClient(config(credentials.platform))),
    doc: () => documentClient(track(new DynamoDBClient(config(credentials.platform)))),
    mx: (...args) => {
      if (!settings.dataDir) return Promise.reject(new Error('mx against a remote target needs MX_TEST_DATA_DIR'));
      const env = { ...process.env, AWS_ENDPOINT_URL: settings.endpoint, MX_DATA_DIR: settings.dataDir };
      return run(process.execPath, [MX, ...args], { env });
    },
    // The queues are all a remote target shows of its backlog: drained twice in a row, 100 ms apart, counts as settled
    // (a delivery between two reads shows as a message in flight).
    settle: async () => {
      let quiet = 0;
      await waitFor(
        async () => {
          quiet = (await backlog(sqs)) === 0 ? quiet + 1 : 0;
          return quiet >= 2 ? true : undefined;
        },
        { what: `the queues at ${settings.endpoint} to drain`, timeoutMs: 30_000, intervalMs: 100 },
      );
    },
    async stop() {
      for (const client of clients) client.destroy();
    },
  };
}

/** Messages waiting or in flight on every queue but the dead-letter ones (whose depth is not a backlog). */
async function backlog(sqs: SQSClient): Promise<number> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 1000, NextToken }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  let total = 0;
  for (const QueueUrl of urls.filter((u) => !/dlq|deadletter/i.test(u.split('/').at(-1)!))) {
    const AttributeNames = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
    const request = new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...AttributeNames] });
    const { Attributes = {} } = await sqs.send(request);
    for (const name of AttributeNames) total += Number(Attributes[name] ?? 0);
  }
  return total;
}

/** The cloud in this process behind an embedded target; a remote one has none (the test should have been skipped). */
export function embedded(target: TestTarget): TestCloud['cloud'] {
  if (!target.local) throw new Error('this check needs the embedded cloud: mark the test skipIf(remote), saying why');
  return target.local.cloud;
}

/** The environment's target: a fresh embedded cloud per call by default, the named endpoint otherwise. */
export async function startTarget(): Promise<TestTarget> {
  return REMOTE ? remoteTarget(REMOTE) : embeddedTarget(await startTestCloud());
}
