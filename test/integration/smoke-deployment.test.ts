/**
 * `mx smoke` against a deployment: temporary credentials (session tokens) and
 * an API URL that carries its stage. Real AWS is not reachable from the test
 * machine and the local cloud neither checks session tokens nor serves a
 * stage, so a stand-in plays AWS here: it verifies each SigV4 signature with
 * the SDK's own signer and, like AWS, refuses temporary keys whose session
 * token is missing or unsigned, and serves the query API only under /prod.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.ts';
import { MINISTRIES } from '../../infra/topology.ts';

const run = promisify(execFile);
const MX = path.join(REPO_ROOT, 'infra/bin/mx.mjs');
const REGION = 'eu-central-1';
const BUS = 'MigrationExchange-prod-ExchangeBus1234ABCD';

interface TemporaryKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}
const temporaryKeys = (): TemporaryKeys => ({
  accessKeyId: `ASIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
  secretAccessKey: randomUUID(),
  sessionToken: `token-${randomUUID()}`,
});

/** What the stand-in accepted: each request's service, caller key and path. */
interface Seen {
  readonly service: string;
  readonly accessKeyId: string;
  readonly path: string;
}

async function verify(
  request: IncomingMessage,
  body: string,
  keys: ReadonlyMap<string, TemporaryKeys>,
): Promise<{ service: string; accessKeyId: string } | string> {
  const match = new RegExp(
    String.raw`^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ` +
      'SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$',
  ).exec(request.headers.authorization ?? '');
  if (!match) return 'no SigV4 Authorization header';
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const key = keys.get(accessKeyId);
  if (!key) return `unknown access key ${accessKeyId}`;
  if (region !== REGION) return `signed for ${region}, not ${REGION}`;
  const signedHeaders = signedHeaderList.split(';');
  // AWS: temporary keys without their (signed) session token are refused.
  if (request.headers['x-amz-security-token'] !== key.sessionToken || !signedHeaders.includes('x-amz-security-token'))
    return 'The security token included in the request is invalid.';
  const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(request.headers['x-amz-date']));
  if (!amzDate) return 'no x-amz-date';
  const signingDate = new Date(
    Date.UTC(+amzDate[1]!, +amzDate[2]! - 1, +amzDate[3]!, +amzDate[4]!, +amzDate[5]!, +amzDate[6]!),
  );
  const url = new URL(request.url!, 'http://stand-in');
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, name) => {
    query[name] = value;
  });
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  const resigned = await new SignatureV4({ credentials: key, region, service, sha256: Hash.bind(null, 'sha256') }).sign(
    new HttpRequest({
      method: request.method!,
      protocol: 'http:',
      hostname: 'stand-in',
      path: url.pathname,
      query,
      headers,
      body,
    }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  return String(resigned.headers.authorization).endsWith(`Signature=${signature}`)
    ? { service, accessKeyId }
    : 'signature mismatch';
}

/** EventBridge PutEvents on `/` and the query API's lineage under `/prod/api/views/…`. */
function startStandIn(keys: ReadonlyMap<string, TemporaryKeys>) {
  const seen: Seen[] = [];
  const published: { eventId: string; person: { citizenship?: string; documentNumber?: string } }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, value: unknown, type = 'application/json') =>
        response.writeHead(status, { 'content-type': type }).end(JSON.stringify(value));
      const caller = await verify(request, body, keys);
      const url = new URL(request.url!, 'http://stand-in');
      if (typeof caller === 'string') return answer(403, { __type: 'UnrecognizedClientException', message: caller });
      seen.push({ ...caller, path: url.pathname });
      if (caller.service === 'events' && request.headers['x-amz-target'] === 'AWSEvents.PutEvents') {
        const entries = (JSON.parse(body) as { Entries: { EventBusName: string; Detail: string }[] }).Entries;
        if (entries.some((e) => e.EventBusName !== BUS))
          return answer(
            400,
            { __type: 'ResourceNotFoundException', message: 'Event bus not found' },
            'application/x-amz-json-1.1',
          );
        for (const entry of entries) {
          const detail = JSON.parse(entry.Detail) as {
            meta: { eventId: string };
            data: { person: { citizenship?: string; documentNumber?: string } };
          };
          published.push({ eventId: detail.meta.eventId, person: detail.data.person });
        }
        return answer(
          200,
          { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) },
          'application/x-amz-json-1.1',
        );
      }
      const lineage = /^\/prod\/api\/views\/([a-z-]+)\/lineage$/.exec(url.pathname);
      if (caller.service === 'execute-api' && request.method === 'GET' && lineage) {
        const events = published.filter(
          (p) =>
            p.person.citizenship === url.searchParams.get('citizenship') &&
            p.person.documentNumber === url.searchParams.get('document'),
        );
        return events.length
          ? answer(200, { events: events.map((e) => ({ eventId: e.eventId })) })
          : answer(404, { error: { message: 'not found' } });
      }
      return answer(404, { message: `no route ${request.method} ${url.pathname}` });
    });
  });
  return { server, seen };
}

describe('mx smoke against a deployment', () => {
  let dir: string;
  let server: Server;
  let endpoint: string;
  let seen: Seen[];
  const agencies = Object.fromEntries(MINISTRIES.map((m) => [m, temporaryKeys()]));
  const operators = Object.fromEntries(MINISTRIES.map((m) => [m, temporaryKeys()]));
  const assumed = temporaryKeys();
  const keys = new Map(
    [...Object.values(agencies), ...Object.values(operators), assumed].map((k) => [k.accessKeyId, k]),
  );

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mx-smoke-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const listen = async () => {
    ({ server, seen } = startStandIn(keys));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  // Nothing of this machine's AWS configuration may leak in.
  const isolatedEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  });

  it(
    'signs with each agency\u2019s and operator\u2019s temporary keys, session token included, and joins paths ' +
      'after the stage',
    async () => {
      await listen();
      const file = path.join(dir, 'creds.json');
      await writeFile(file, JSON.stringify({ region: REGION, agencies, operators }));
      const { stdout } = await run(
        process.execPath,
        [
          MX,
          'smoke',
          '--credentials',
          file,
          '--endpoint',
          endpoint,
          '--api',
          `${endpoint}/prod/`,
          '--bus',
          BUS,
          '--timeout',
          '10',
          '--json',
        ],
        { env: isolatedEnv() },
      );
      const out = JSON.parse(stdout) as { ok: boolean; checks: { agency: string; view: string }[] };
      expect(out.ok).toBe(true);
      expect(out.checks.map((c) => c.view).sort()).toEqual([...MINISTRIES].sort());
      for (const ministry of MINISTRIES) {
        expect(seen).toContainEqual({ service: 'events', accessKeyId: agencies[ministry]!.accessKeyId, path: '/' });
        expect(seen).toContainEqual({
          service: 'execute-api',
          accessKeyId: operators[ministry]!.accessKeyId,
          path: `/prod/api/views/${ministry}/lineage`,
        });
      }
    },
  );

  it(
    'signs as the principal of the SDK\u2019s default provider chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ' +
      'AWS_SESSION_TOKEN)',
    async () => {
      await listen();
      const env = isolatedEnv({
        AWS_ACCESS_KEY_ID: assumed.accessKeyId,
        AWS_SECRET_ACCESS_KEY: assumed.secretAccessKey,
        AWS_SESSION_TOKEN: assumed.sessionToken,
      });
      const { stdout } = await run(
        process.execPath,
        [
          MX,
          'smoke',
          '--default-credentials',
          '--region',
          REGION,
          '--endpoint',
          endpoint,
          '--api',
          `${endpoint}/prod`,
          '--bus',
          BUS,
          '--timeout',
          '10',
          '--json',
        ],
        { env },
      );
      expect((JSON.parse(stdout) as { ok: boolean }).ok).toBe(true);
      expect(new Set(seen.map((s) => s.accessKeyId))).toEqual(new Set([assumed.accessKeyId]));
      expect(
        seen
          .filter((s) => s.service === 'execute-api')
          .map((s) => s.path)
          .sort(),
      ).toEqual(MINISTRIES.map((m) => `/prod/api/views/${m}/lineage`).sort());
    },
  );

  it(
    'says which flag is missing on a deployment instead of publishing to the local cloud\u2019s bus ' + 'name',
    async () => {
      await listen();
      const env = isolatedEnv({
        AWS_ACCESS_KEY_ID: assumed.accessKeyId,
        AWS_SECRET_ACCESS_KEY: assumed.secretAccessKey,
        AWS_SESSION_TOKEN: assumed.sessionToken,
      });
      const failed = await run(
        process.execPath,
        [MX, 'smoke', '--default-credentials', '--api', 'https://abc.execute-api.eu-central-1.amazonaws.com/prod/'],
        { env },
      ).catch((error: { stderr: string }) => error);
      expect((failed as { stderr: string }).stderr).toMatch(/pass --bus <EventBusName stack output>/);
      expect(seen).toEqual([]);
    },
  );
});
