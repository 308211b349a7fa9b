/**
 * The query API of one ministry's view (API Gateway REST, IAM-authorised,
 * one role per ministry): GET /api/views/<ministry>/stats, /person, /lineage,
 * /accesses. Person reads (and reads of who read a person) need a purpose and
 * are written to the access ledger before anything is returned. Bad parameters are 400s naming the parameter;
 * internals never reach the caller.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { CountryCode, DocumentNumber, Iin, IsoDate } from '../../schemas/primitives.ts';
import { MINISTRIES, type Ministry } from '../domain/ministries.ts';
import { lookupKey, type PersonLookup } from '../domain/person-key.ts';
import { computeStats, periodOf } from '../domain/stats.ts';
import { documentClient } from '../lib/document-client.ts';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { observability, observed, traced } from '../lib/observability.ts';
import { registryReader } from '../projector/registry-reader.ts';
import { readStatsInput } from './aggregate-reader.ts';
import { readLedger, recordAccess } from './ledger.ts';
import { checkPurpose } from './purpose.ts';
import { toDossier, toLineage } from './queries.ts';

export interface QueryApiConfig {
  readonly ministry: Ministry;
  readonly table: string;
  readonly ledgerTable: string;
  readonly secret: string;
}

export function queryApiConfig(env: HandlerDeps['env']): QueryApiConfig {
  const ministry = requireEnv('MINISTRY', env) as Ministry;
  if (!MINISTRIES.includes(ministry)) throw new Error(`MINISTRY must be one of ${MINISTRIES.join(', ')}`);
  return {
    ministry,
    table: requireEnv('TABLE_NAME', env),
    ledgerTable: requireEnv('LEDGER_TABLE', env),
    secret: requireEnv('PERSON_KEY_SECRET', env),
  };
}

export class BadRequest extends Error {
  constructor(
    readonly parameter: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function param(event: APIGatewayProxyEvent, name: string): string | undefined {
  const value = event.queryStringParameters?.[name];
  return value === undefined || value === null || value === '' ? undefined : value;
}

function parsePeriod(event: APIGatewayProxyEvent) {
  const year = param(event, 'year');
  const asOf = param(event, 'asOf');
  if (year !== undefined && asOf !== undefined) throw new BadRequest('year', 'give year or asOf, not both');
  if (year !== undefined && !/^\d{4}$/.test(year))
    throw new BadRequest('year', `year must be a four-digit year, got ${JSON.stringify(year)}`);
  if (asOf !== undefined && !IsoDate.safeParse(asOf).success)
    throw new BadRequest('asOf', `asOf must be a date as YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  return periodOf({ ...(year ? { year: Number(year) } : {}), ...(asOf ? { asOf } : {}) });
}

/** The person asked about: IIN, or citizenship + document number. */
function identity(event: APIGatewayProxyEvent, secret: string): PersonLookup {
  const iin = param(event, 'iin');
  const citizenship = param(event, 'citizenship')?.toUpperCase();
  const document = param(event, 'document')?.toUpperCase();
  if (iin !== undefined) {
    const parsed = Iin.safeParse(iin);
    if (!parsed.success) throw new BadRequest('iin', `iin: ${parsed.error.issues[0]!.message}`);
    return lookupKey({ iin }, secret);
  }
  if (citizenship === undefined && document === undefined)
    throw new BadRequest('iin', 'name the person: iin, or citizenship and document');
  if (citizenship === undefined || !CountryCode.safeParse(citizenship).success)
    throw new BadRequest(
      'citizenship',
      `citizenship must be an ISO 3166-1 alpha-3 code, got ${JSON.stringify(citizenship ?? null)}`,
    );
  if (document === undefined || !DocumentNumber.safeParse(document).success)
    throw new BadRequest(
      'document',
      `document must be a travel document number (5-20 letters or digits), got ${JSON.stringify(document ?? null)}`,
    );
  return lookupKey({ citizenship, documentNumber: document }, secret);
}

function purposeOf(event: APIGatewayProxyEvent): string {
  const checked = checkPurpose(event.queryStringParameters?.purpose ?? undefined);
  if (!checked.ok) throw new BadRequest('purpose', checked.message);
  return checked.purpose;
}

export async function route(
  config: QueryApiConfig,
  dynamo: DynamoDBDocumentClient,
  event: APIGatewayProxyEvent,
  operator: string,
): Promise<APIGatewayProxyResult> {
  const { ministry, table, ledgerTable, secret } = config;
  const match = /^\/api\/views\/([a-z-]+)\/([a-z]+)\/?$/.exec(event.path);
  if (!match) throw new BadRequest('path', `no route ${event.httpMethod} ${event.path}`, 404);
  const [, pathMinistry, resource] = match;
  if (pathMinistry !== ministry) throw new BadRequest('ministry', `this API serves the ${ministry} view`, 403);
  if (event.httpMethod !== 'GET')
    throw new BadRequest('method', `${event.httpMethod} is not allowed; views are read-only`, 405);
  switch (resource) {
    case 'stats': {
      const period = parsePeriod(event);
      return json(200, computeStats(ministry, await readStatsInput(dynamo, table, ministry, period), period));
    }
    case 'person':
    case 'lineage': {
      const who = identity(event, secret);
      const purpose = purposeOf(event);
      const { personKey: key, records } = await registryReader(dynamo, table).findPerson(who);
      // The read is recorded before the data leaves, whether or not anything is found. Only a read of
      // nothing but smoke records (mx smoke's own, which expire) expires with them.
      const smoke =
        records.length > 0 && records.every((r) => r.expiresAt !== undefined)
          ? Math.max(...records.map((r) => r.expiresAt!))
          : undefined;
      const access = await recordAccess(
        dynamo,
        ledgerTable,
        { personKey: key, ministry, operator, purpose, what: resource },
        smoke,
      );
      if (records.length === 0)
        throw new BadRequest('person', `the ${ministry} view holds no records for this person`, 404);
      const body = resource === 'person' ? toDossier(key, records) : toLineage(key, records);
      return json(200, { ministry, ...body, access });
    }
    case 'accesses': {
      // Who in this ministry has read this person's data: a ministry's own reads only (another's
      // reads name its operators and purposes), and this read is itself a read of the person.
      const who = identity(event, secret);
      const purpose = purposeOf(event);
      const { personKey: key } = await registryReader(dynamo, table).findPerson(who);
      await recordAccess(dynamo, ledgerTable, { personKey: key, ministry, operator, purpose, what: resource });
      return json(200, {
        ministry,
        personKey: key,
        accesses: await readLedger(dynamo, ledgerTable, key, { ministry }),
      });
    }
    default:
      throw new BadRequest(
        'path',
        `no route ${event.httpMethod} ${event.path}; routes: stats, person, lineage, accesses`,
        404,
      );
  }
}

export function createHandler(
  deps: HandlerDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const config = queryApiConfig(deps.env);
  const o = observability(deps.env, 'query-api');
  const dynamo = documentClient(traced(o, new DynamoDBClient(deps.aws)));
  return observed(o, async (event: APIGatewayProxyEvent) => {
    const operator = event.requestContext?.identity?.userArn ?? 'unknown';
    try {
      const response = await route(config, dynamo, event, operator);
      o.metrics.addMetric('QueriesAnswered', MetricUnit.Count, 1);
      return response;
    } catch (error) {
      if (error instanceof BadRequest) {
        o.metrics.addMetric('QueriesRefused', MetricUnit.Count, 1);
        return json(error.status, {
          error: {
            code: error.status === 400 ? 'bad-parameter' : error.status === 404 ? 'not-found' : 'forbidden',
            parameter: error.parameter,
            message: error.message,
          },
        });
      }
      o.logger.error('query failed', { error: error as Error });
      o.metrics.addMetric('QueriesFailed', MetricUnit.Count, 1);
      return json(500, { error: { code: 'internal', message: 'the query could not be answered; retry later' } });
    }
  });
}

export const handler = lambdaEntry(createHandler);
