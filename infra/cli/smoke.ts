/**
 * `mx smoke`: one event per agency, published and seen in each ministry's view, on the local cloud or
 * a deployment (AWS, LocalStack).
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { putEntries } from '../../functions/lib/publisher.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry, SMOKE_RESOURCE } from '../../schemas/entries.ts';
import type { PersonRef } from '../../schemas/person.ts';
import { type Ministry, TOPOLOGY } from '../topology.ts';
import { apiUrl, regionOfApiUrl } from './api-url.ts';
import { type Connection, connect } from './connection.ts';
import { ConsoleUnreachable, checkConsole } from './console-check.ts';
import { asCliError, isUnreachable, notReachableMessage } from './failures.ts';
import { CliError, printJson } from './output.ts';
import { fetchSigned } from './signed-request.ts';
import { cleanUpSmoke } from './smoke-cleanup.ts';
import {
  eventBridgeConfig,
  identitiesFromFile,
  identitiesFromLocalCloud,
  identitiesFromOnePrincipal,
  type SmokeIdentities,
} from './smoke-identities.ts';

/** One event per agency, and the ministry view that must show its person. */
const CHECKS: readonly { agency: Ministry; detailType: string; view: Ministry }[] = [
  { agency: 'foreign-affairs', detailType: 'VisaIssued', view: 'foreign-affairs' },
  { agency: 'border-service', detailType: 'EntryDenied', view: 'border-service' },
  { agency: 'interior', detailType: 'AdministrativeOffenceRecorded', view: 'interior' },
  { agency: 'labour', detailType: 'WorkPermitIssued', view: 'labour' },
];

export interface SmokeOptions {
  api?: string;
  credentials?: string;
  defaultCredentials?: boolean;
  region?: string;
  bus?: string;
  console?: string;
  timeout: string;
  json?: boolean;
  endpoint?: string;
  dataDir?: string;
}

async function viewHas(
  identities: SmokeIdentities,
  api: string,
  check: (typeof CHECKS)[number],
  person: { citizenship?: string; documentNumber?: string },
  eventId: string,
): Promise<boolean> {
  const url = apiUrl(api, `api/views/${check.view}/lineage`, {
    citizenship: person.citizenship,
    document: person.documentNumber,
    purpose: 'mx smoke: deployment check',
  });
  const response = await fetchSigned(url, { credentials: identities.operators[check.view], region: identities.region });
  if (response.status === 404) return false;
  if (!response.ok) throw new CliError(`${check.view} view answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { events: { eventId: string }[] };
  return body.events.some((e) => e.eventId === eventId);
}

/** Who signs, and where to: the local cloud by default; a deployment with a credentials file or the default chain. */
async function resolveTarget(
  opts: SmokeOptions,
): Promise<{ identities: SmokeIdentities; api: string; bus: string; local?: Connection }> {
  if (opts.credentials && opts.defaultCredentials)
    throw new CliError('pass either --credentials <file> or --default-credentials, not both');
  if (!opts.credentials && !opts.defaultCredentials) {
    const connection = await connect(opts);
    return {
      identities: identitiesFromLocalCloud(connection.credentials, connection.endpoint),
      api: opts.api ?? connection.endpoint,
      bus: opts.bus ?? TOPOLOGY.busName,
      local: connection,
    };
  }
  let identities: SmokeIdentities;
  if (opts.credentials) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(opts.credentials, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read --credentials ${opts.credentials}: ${(error as Error).message}`);
    }
    const region = opts.region ?? (opts.api ? regionOfApiUrl(opts.api) : undefined);
    identities = identitiesFromFile(json, opts.credentials, {
      ...(region ? { region } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    });
  } else {
    const region =
      opts.region ??
      (opts.api ? regionOfApiUrl(opts.api) : undefined) ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION;
    if (!region)
      throw new CliError(
        '--default-credentials needs a region: pass --region, an execute-api --api URL, or set AWS_REGION',
      );
    identities = identitiesFromOnePrincipal(defaultProvider(), region, opts.endpoint);
  }
  const api = opts.api ?? identities.endpoint;
  if (!api) throw new CliError('pass --api <ApiUrl stack output> (the stage included) to smoke a deployment');
  // On AWS the bus name is generated; the default is the local cloud's.
  if (!opts.bus && !identities.endpoint)
    throw new CliError('pass --bus <EventBusName stack output> to smoke a deployment');
  return { identities, api, bus: opts.bus ?? TOPOLOGY.busName };
}

/** Where a failure happened, in words: the local cloud's one sentence, or the deployment's URL. */
function unreachable(error: unknown, local: Connection | undefined, url: string): CliError {
  if (!isUnreachable(error)) return asCliError(error, url);
  return new CliError(
    local
      ? notReachableMessage(local.endpoint)
      : `${url} is not reachable: check --api and --endpoint (the stack's outputs)`,
  );
}

export async function smoke(opts: SmokeOptions): Promise<void> {
  const { identities, api, bus, local } = await resolveTarget(opts);
  // The console first: a page that does not answer is found in a second, before any event is published.
  const consoleBase = opts.console ?? local?.endpoint;
  const consoleAnswer = consoleBase
    ? await checkConsole(consoleBase).catch((error: unknown) => {
        // On the local cloud the console is the cloud: a stopped one gets the sentence every command uses.
        throw local && !opts.console && error instanceof ConsoleUnreachable
          ? new CliError(notReachableMessage(local.endpoint))
          : error;
      })
    : undefined;
  const deadline = Date.now() + Number(opts.timeout) * 1000;
  const results = [];
  // People of this run only, in the smoke namespace: nobody's records, and no ministry's figures, change.
  const run = randomBytes(4).toString('hex').toUpperCase();
  const people: PersonRef[] = [];
  for (const [i, check] of CHECKS.entries()) {
    const example = exampleEntry(latestDefinition(check.detailType)!, bus);
    const smokeDetail = JSON.parse(example.Detail) as { data: { person: PersonRef } };
    smokeDetail.data.person = {
      citizenship: smokeDetail.data.person.citizenship ?? 'UZB',
      documentNumber: `SMOKE${run}${i}`,
    };
    people.push(smokeDetail.data.person);
    const entry = { ...example, Detail: JSON.stringify(smokeDetail), Resources: [SMOKE_RESOURCE] };
    // One attempt against the local cloud (a stopped cloud should fail fast); the SDK's retries against AWS.
    const client = new EventBridgeClient({
      ...eventBridgeConfig(identities, check.agency),
      ...(local ? { maxAttempts: 1 } : {}),
    });
    const started = Date.now();
    const [result] = await putEntries(client, [entry])
      .catch((error: Error) => {
        if (isUnreachable(error))
          throw unreachable(error, local, identities.endpoint ?? `EventBridge in ${identities.region}`);
        throw new CliError(
          `${check.agency} could not publish to the bus ${bus}: ${error.name}: ${error.message}` +
            `${local ? '' : ' (on a deployment, --bus is the EventBusName stack output)'}`,
        );
      })
      .finally(() => client.destroy());
    if (!result?.eventId)
      throw new CliError(
        `${check.agency} could not publish ${check.detailType}: ${result?.errorCode} ${result?.errorMessage ?? ''}`,
      );
    const detail = JSON.parse(entry.Detail) as {
      meta: { eventId: string };
      data: { person: { citizenship?: string; documentNumber?: string } };
    };
    while (
      !(await viewHas(identities, api, check, detail.data.person, detail.meta.eventId).catch((error: unknown) =>
        Promise.reject(unreachable(error, local, api)),
      ))
    ) {
      if (Date.now() > deadline)
        throw new CliError(
          `${check.detailType} from ${check.agency} did not reach the ${check.view} view within ${opts.timeout} s`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    results.push({
      agency: check.agency,
      detailType: check.detailType,
      view: check.view,
      eventId: detail.meta.eventId,
      person: detail.data.person,
      millis: Date.now() - started,
    });
  }
  // On AWS every table's TTL removes the smoke records within a day; the local cloud's
  // DynamoDB has no TTL, so clean up now.
  const removed = local
    ? await cleanUpSmoke(
        local,
        people,
        results.map((r) => ({ source: latestDefinition(r.detailType)!.source, eventId: r.eventId })),
      ).catch((error: unknown) => Promise.reject(unreachable(error, local, local.endpoint)))
    : undefined;
  const consoleResult = consoleAnswer
    ? {
        url: consoleAnswer.url,
        status: consoleAnswer.status,
        contentType: consoleAnswer.contentType,
        contentSecurityPolicy: true,
      }
    : undefined;
  if (opts.json)
    return printJson({
      ok: true,
      checks: results,
      ...(consoleResult ? { console: consoleResult } : {}),
      ...(removed !== undefined ? { removed } : {}),
    });
  process.stdout.write(
    consoleAnswer
      ? `ok  console          ${consoleAnswer.url} answers ${consoleAnswer.contentType} with a ` +
          `Content-Security-Policy\n`
      : 'console not checked: pass --console <ConsoleUrl stack output>\n',
  );
  for (const r of results)
    process.stdout.write(`ok  ${r.agency.padEnd(16)} ${r.detailType.padEnd(30)} → ${r.view} view in ${r.millis} ms\n`);
  process.stdout.write(
    removed !== undefined
      ? `smoke records removed: ${removed}\n`
      : 'smoke records expire within a day (DynamoDB TTL on expiresAt)\n',
  );
}
