/**
 * The command API of one agency system (API Gateway REST, IAM-authorised):
 * POST /commands/<system> with `{ command, input }`, or `{ commands: [...] }`
 * for up to 100 commands, run in order unless `"ordered": false` says they
 * are independent (about different people), when they run concurrently.
 * Refusals are 4xx naming the rule; internals never reach the caller.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Ministry } from '../domain/ministries.ts';
import type { SystemName } from '../domain/views.ts';
import { documentClient } from '../lib/document-client.ts';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { mapConcurrent } from '../lib/limit.ts';
import { observability, observed, traced } from '../lib/observability.ts';
import { roleEntry } from '../lib/role-name.ts';
import { SYSTEMS } from '../systems/catalog.ts';
import { type CommandRequest, type CommandResult, executeCommand } from './execute.ts';
import { type CommandIdentity, IDEMPOTENCY_HEADER, idempotentCommands, keyProblem } from './idempotency.ts';

export const MAX_COMMANDS = 100;
const UNORDERED_CONCURRENCY = 16;

export interface CommandApiConfig {
  readonly system: SystemName;
  readonly table: string;
  readonly busName: string;
  readonly secret: string;
  /** IAM role name → agency, for the roles API Gateway's IAM authorisation lets through. */
  readonly agencyRoles: Record<string, Ministry>;
  /** Where answered commands are remembered for their retries (Powertools Idempotency). */
  readonly idempotencyTable: string;
}

export function commandApiConfig(env: HandlerDeps['env']): CommandApiConfig {
  const system = requireEnv('SYSTEM', env) as SystemName;
  if (!SYSTEMS.includes(system)) throw new Error(`SYSTEM must be one of ${SYSTEMS.join(', ')}, got ${system}`);
  return {
    system,
    table: requireEnv('TABLE_NAME', env),
    busName: requireEnv('EVENT_BUS_NAME', env),
    secret: requireEnv('PERSON_KEY_SECRET', env),
    agencyRoles: JSON.parse(requireEnv('AGENCY_ROLES', env)) as Record<string, Ministry>,
    idempotencyTable: requireEnv('IDEMPOTENCY_TABLE', env),
  };
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const problem = (statusCode: number, code: string, message: string, field?: string) =>
  json(statusCode, { error: { code, message, ...(field ? { field } : {}) } });

/** The agency behind the caller's IAM identity (an assumed agency role). */
export function agencyOf(userArn: string | null | undefined, roles: Record<string, Ministry>): Ministry | undefined {
  return roleEntry(userArn, roles);
}

/** API Gateway passes headers as the caller spelled them; HTTP header names are case-insensitive. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

/** EventBridge Scheduler/rule invocations carry no caller: they run the system's scheduled check as its agency. */
interface ScheduledEvent {
  readonly id?: string;
  readonly source: 'aws.events';
  readonly 'detail-type': 'Scheduled Event';
  readonly time: string;
}
const isScheduled = (event: unknown): event is ScheduledEvent =>
  (event as ScheduledEvent | null)?.['detail-type'] === 'Scheduled Event';

/** The command API's request handling, with its SDK clients built from `deps.aws` (through `trace`). */
export function commandApi(config: CommandApiConfig, deps: HandlerDeps, trace: <C>(client: C) => C = (c) => c) {
  const raw = trace(new DynamoDBClient(deps.aws));
  const context = {
    system: config.system,
    dynamo: documentClient(raw),
    events: trace(new EventBridgeClient(deps.aws)),
    table: config.table,
    busName: config.busName,
    secret: config.secret,
  };
  const byAgency = new Map<Ministry, ReturnType<typeof idempotentCommands>>();
  const runner = (agency: Ministry) => {
    let run = byAgency.get(agency);
    if (!run) {
      run = idempotentCommands((request) => executeCommand(request, { ...context, agency }), {
        client: raw,
        table: config.idempotencyTable,
        keyPrefix: `commands-${config.system}`,
      });
      byAgency.set(agency, run);
    }
    return run;
  };

  async function handleCommands(event: APIGatewayProxyEvent, invocation?: Context): Promise<APIGatewayProxyResult> {
    const agency = agencyOf(event.requestContext?.identity?.userArn, config.agencyRoles);
    if (!agency) return problem(403, 'not-an-agency', 'only agency principals may issue commands');
    const requestKey = header(event, IDEMPOTENCY_HEADER);
    const headerProblem = keyProblem(requestKey, 'the Idempotency-Key header');
    if (headerProblem) return problem(400, 'invalid-idempotency-key', headerProblem, 'Idempotency-Key');
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      return problem(
        400,
        'invalid-json',
        'the request body must be JSON: { "command", "input" } or { "commands": [...] }',
      );
    }
    const run = runner(agency);
    /** A command's key: its own commandId, else the request's key (with the command's place in a batch). */
    const identify = (request: CommandRequest, index: number | undefined): CommandIdentity | string | undefined => {
      const own = (request as { commandId?: unknown } | null)?.commandId;
      const field = index === undefined ? 'commandId' : `commands[${index}].commandId`;
      const ownProblem = keyProblem(own, field);
      if (ownProblem) return ownProblem;
      const key =
        (own as string | undefined) ??
        (requestKey === undefined ? undefined : index === undefined ? requestKey : `${requestKey}#${index}`);
      return key === undefined ? undefined : { caller: agency, key };
    };
    const execute = async (request: CommandRequest, index?: number): Promise<CommandResult> => {
      const identity = identify(request, index);
      if (typeof identity === 'string') {
        return {
          command: String(request?.command ?? ''),
          ok: false,
          status: 400,
          error: { code: 'invalid-idempotency-key', message: identity, field: 'commandId' },
        };
      }
      return run(request, identity, invocation);
    };
    const batch = (body as { commands?: unknown })?.commands;
    if (batch !== undefined) {
      if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_COMMANDS) {
        return problem(400, 'invalid-batch', `commands must be an array of 1-${MAX_COMMANDS} commands`);
      }
      const ordered = (body as { ordered?: unknown }).ordered !== false;
      const indexed = (batch as CommandRequest[]).map((request, index) => ({ request, index }));
      const results = await mapConcurrent(indexed, ordered ? 1 : UNORDERED_CONCURRENCY, ({ request, index }) =>
        execute(request, index),
      );
      return json(200, { failedCount: results.filter((r) => !r.ok).length, results });
    }
    const result = await execute(body as CommandRequest);
    return json(result.ok ? 201 : result.status, result);
  }

  /** The Interior's daily overstay check (Berkut only); a redelivered schedule event is the same check, run once. */
  async function runScheduledCheck(event: ScheduledEvent, invocation?: Context): Promise<CommandResult> {
    if (config.system !== 'berkut') throw new Error(`${config.system} has no scheduled check`);
    const asOf = event.time.slice(0, 10);
    return runner('interior')(
      { command: 'run-overstay-check', input: { asOf } },
      { caller: 'schedule', key: `overstay-check:${event.id ?? asOf}` },
      invocation,
    );
  }

  return { handleCommands, runScheduledCheck };
}

export function createHandler(
  deps: HandlerDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const config = commandApiConfig(deps.env);
  const o = observability(deps.env, 'command-api');
  const { logger, metrics } = o;
  const api = commandApi(config, deps, (client) => traced(o, client));
  return observed(o, async (event: APIGatewayProxyEvent, context: Context) => {
    if (isScheduled(event)) {
      // No caller to answer: a failed check must fail the invocation, so the rule's
      // retries and dead-letter queue see it.
      const result = await api.runScheduledCheck(event, context);
      logger.info('scheduled check done', { result });
      if (!result.ok) throw new Error(`scheduled check refused: ${result.error.code}: ${result.error.message}`);
      return json(200, result);
    }
    try {
      const response = await api.handleCommands(event, context);
      metrics.addMetric(
        response.statusCode < 300 ? 'CommandRequestsAnswered' : 'CommandRequestsRefused',
        MetricUnit.Count,
        1,
      );
      return response;
    } catch (error) {
      logger.error('command failed', { error: error as Error });
      metrics.addMetric('CommandRequestsFailed', MetricUnit.Count, 1);
      return problem(500, 'internal', 'the command could not be completed; nothing was refused, retry it');
    }
  });
}

export const handler = lambdaEntry(createHandler);
