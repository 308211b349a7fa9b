/** POST /_mx/admin/tables { "table", "physicalName" }: the platform re-points a table (used by mx replay). */
import type { ServerResponse } from 'node:http';
import { AwsError, parseJsonBody, sendAwsError, sendJson } from './aws-protocol.ts';
import type { Caller } from './authorize.ts';
import type { RawRequest } from './in-process-http.ts';
import { AuthError } from './sigv4.ts';

export interface AdminDeps {
  readonly authenticate: (request: RawRequest) => Promise<Caller & { service: string }>;
  readonly switchTable: (id: string, physical: string) => Promise<void>;
}

export async function serveSwitchTable(deps: AdminDeps, request: RawRequest, res: ServerResponse): Promise<void> {
  try {
    const caller = await deps.authenticate(request);
    if (caller.kind !== 'platform') throw new AwsError('AccessDeniedException', 'only the platform principal may switch tables', 403);
    const body = parseJsonBody(request.body);
    if (typeof body.table !== 'string' || typeof body.physicalName !== 'string') throw new AwsError('ValidationException', 'give table and physicalName');
    await deps.switchTable(body.table, body.physicalName);
    sendJson(res, 200, { table: body.table, physicalName: body.physicalName }, 'application/json');
  } catch (error) {
    if (error instanceof AwsError) return sendAwsError(res, error, 'application/json');
    if (error instanceof AuthError) return sendAwsError(res, new AwsError(error.code, error.message, 403), 'application/json');
    if ((error as Error).name === 'ResourceNotFoundException') return sendAwsError(res, new AwsError('ResourceNotFoundException', (error as Error).message), 'application/json');
    throw error;
  }
}
