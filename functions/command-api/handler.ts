/**
 * The command API of one agency system (API Gateway REST, IAM-authorised):
 * POST /commands/<system> with `{ command, input }`, or `{ commands: [...] }`
 * for up to 100 commands, run in order unless `"ordered": false` says they
 * are independent (about different people), when they run concurrently.
 * Refusals are 4xx naming the rule; internals never reach the caller.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Ministry } from '../domain/ministries.ts';
import type { SystemName } from '../domain/views.ts';
import { dynamo, events } from '../lib/clients.ts';
import { requireEnv } from '../lib/env.ts';
import { SYSTEMS } from '../systems/catalog.ts';
import { executeCommand, type CommandRequest, type CommandResult } from './execute.ts';
import { mapConcurrent } from '../lib/limit.ts';
import { roleEntry } from '../lib/role-name.ts';

const logger = new Logger({ serviceName: 'command-api' });
const system = requireEnv('SYSTEM') as SystemName;
if (!SYSTEMS.includes(system)) throw new Error(`SYSTEM must be one of ${SYSTEMS.join(', ')}, got ${system}`);
const table = requireEnv('TABLE_NAME');
const busName = requireEnv('EVENT_BUS_NAME');
const secret = requireEnv('PERSON_KEY_SECRET');
/** IAM role name → agency, for the roles API Gateway's IAM authorisation lets through. */
const agencyRoles = JSON.parse(requireEnv('AGENCY_ROLES')) as Record<string, Ministry>;
export const MAX_COMMANDS = 100;
const UNORDERED_CONCURRENCY = 16;

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const problem = (statusCode: number, code: string, message: string) => json(statusCode, { error: { code, message } });

/** The agency behind the caller's IAM identity (an assumed agency role). */
export function agencyOf(userArn: string | null | undefined, roles: Record<string, Ministry>): Ministry | undefined {
  return roleEntry(userArn, roles);
}

export async function handleCommands(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const agency = agencyOf(event.requestContext?.identity?.userArn, agencyRoles);
  if (!agency) return problem(403, 'not-an-agency', 'only agency principals may issue commands');
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    return problem(400, 'invalid-json', 'the request body must be JSON: { "command", "input" } or { "commands": [...] }');
  }
  const context = { system, agency, dynamo: dynamo(), events: events(), table, busName, secret };
  const batch = (body as { commands?: unknown })?.commands;
  if (batch !== undefined) {
    if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_COMMANDS) {
      return problem(400, 'invalid-batch', `commands must be an array of 1-${MAX_COMMANDS} commands`);
    }
    const ordered = (body as { ordered?: unknown }).ordered !== false;
    const results = await mapConcurrent(batch as CommandRequest[], ordered ? 1 : UNORDERED_CONCURRENCY, (request) => executeCommand(request, context));
    return json(200, { failedCount: results.filter((r) => !r.ok).length, results });
  }
  const result = await executeCommand(body as CommandRequest, context);
  return json(result.ok ? 201 : result.status, result);
}

/** EventBridge Scheduler/rule invocations carry no caller: they run the system's scheduled check as its agency. */
interface ScheduledEvent {
  readonly source: 'aws.events';
  readonly 'detail-type': 'Scheduled Event';
  readonly time: string;
}
const isScheduled = (event: unknown): event is ScheduledEvent => (event as ScheduledEvent | null)?.['detail-type'] === 'Scheduled Event';

/** The Interior's daily overstay check (Berkut only). */
export async function runScheduledCheck(event: ScheduledEvent): Promise<CommandResult> {
  if (system !== 'berkut') throw new Error(`${system} has no scheduled check`);
  const asOf = event.time.slice(0, 10);
  return executeCommand({ command: 'run-overstay-check', input: { asOf } }, { system, agency: 'interior', dynamo: dynamo(), events: events(), table, busName, secret });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    if (isScheduled(event)) {
      // No caller to answer: a failed check must fail the invocation, so the rule's retries and dead-letter queue see it.
      const result = await runScheduledCheck(event);
      logger.info('scheduled check done', { result });
      if (!result.ok) throw new Error(`scheduled check refused: ${result.error.code}: ${result.error.message}`);
      return json(200, result);
    }
    try {
      return await handleCommands(event);
    } catch (error) {
      logger.error('command failed', { error: error as Error });
      return problem(500, 'internal', 'the command could not be completed; nothing was refused, retry it');
    }
  });
