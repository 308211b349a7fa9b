/**
 * The platform's admin routes: POST /_mx/admin/tables { "table", "physicalName" } re-points a table (mx replay);
 * POST /_mx/admin/schedules { "schedule", "time"? } runs one of the template's schedules now (the nightly overstay
 * check), as if it fired at `time`.
 */
import type { ServerResponse } from 'node:http';
import type { Caller } from './authorize.ts';
import { AwsError, parseJsonBody, sendAwsError, sendJson } from './aws-protocol.ts';
import type { RawRequest } from './in-process-http.ts';
import { AuthError } from './sigv4.ts';

export interface AdminDeps {
  readonly authenticate: (request: RawRequest) => Promise<Caller & { service: string }>;
  readonly switchTable: (id: string, physical: string) => Promise<void>;
  readonly schedules: () => readonly string[];
  readonly triggerSchedule: (name: string, time?: Date) => Promise<void>;
}

export const ADMIN_ROUTES = ['/_mx/admin/tables', '/_mx/admin/schedules'];

export async function serveAdmin(deps: AdminDeps, request: RawRequest, res: ServerResponse): Promise<void> {
  try {
    const caller = await deps.authenticate(request);
    if (caller.kind !== 'platform')
      throw new AwsError('AccessDeniedException', `only the platform principal may call ${request.url}`, 403);
    const body = parseJsonBody(request.body);
    if (request.url === '/_mx/admin/schedules') {
      if (typeof body.schedule !== 'string' || !deps.schedules().includes(body.schedule)) {
        throw new AwsError(
          'ValidationException',
          `give schedule, one of: ${deps.schedules().join(', ') || '(none runs here)'}`,
        );
      }
      const time = body.time === undefined ? new Date() : new Date(String(body.time));
      if (Number.isNaN(time.getTime()))
        throw new AwsError('ValidationException', 'time is not an ISO 8601 date and time');
      try {
        await deps.triggerSchedule(body.schedule, time);
      } catch (error) {
        // The function's failure is the answer (a 4xx naming it), not the cloud's.
        throw new AwsError('ScheduledRunFailed', `${body.schedule} failed: ${(error as Error).message}`, 409);
      }
      return sendJson(res, 200, { schedule: body.schedule, time: time.toISOString(), ran: true }, 'application/json');
    }
    if (typeof body.table !== 'string' || typeof body.physicalName !== 'string')
      throw new AwsError('ValidationException', 'give table and physicalName');
    await deps.switchTable(body.table, body.physicalName);
    sendJson(res, 200, { table: body.table, physicalName: body.physicalName }, 'application/json');
  } catch (error) {
    if (error instanceof AwsError) return sendAwsError(res, error, 'application/json');
    if (error instanceof AuthError)
      return sendAwsError(res, new AwsError(error.code, error.message, 403), 'application/json');
    if ((error as Error).name === 'ResourceNotFoundException')
      return sendAwsError(res, new AwsError('ResourceNotFoundException', (error as Error).message), 'application/json');
    throw error;
  }
}
