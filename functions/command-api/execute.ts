/**
 * Runs commands for one system: validate, decide against the registry,
 * publish the resulting events under the agency's source, and fold them into
 * the registry at once, so the next command sees them (the registry's own
 * subscription folds the same events again as a no-op).
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PutEventsEntry } from '../../schemas/entries.ts';
import type { Detail } from '../../schemas/envelope.ts';
import { EventValidationError, issuesFrom } from '../../schemas/validate.ts';
import type { Ministry } from '../domain/ministries.ts';
import type { EventData } from '../domain/projections.ts';
import { REGISTRIES, type SystemName } from '../domain/views.ts';
import { rebuiltBusEvent } from '../lib/bus-event.ts';
import { buildEntry, putEntries } from '../lib/publisher.ts';
import type { ValidEvent } from '../projector/plan.ts';
import { KnownRecords, projectEvents } from '../projector/project.ts';
import { findCommand, SYSTEM_COMMANDS } from '../systems/catalog.ts';
import { type CommandPorts, Refusal } from '../systems/command.ts';
import { registryPorts } from './ports.ts';

export interface CommandRequest {
  readonly command: string;
  readonly input: unknown;
  /** When the act happened (domain time); defaults to now. */
  readonly occurredAt?: string;
  readonly correlationId?: string;
  /** The caller's idempotency key for this command: a retry under it gets the first answer (./idempotency.ts). */
  readonly commandId?: string;
}

export type CommandResult =
  | { readonly command: string; readonly ok: true; readonly events: { detailType: string; eventId: string }[] }
  | {
      readonly command: string;
      readonly ok: false;
      readonly status: number;
      readonly error: { code: string; message: string; field?: string; issues?: { path: string; message: string }[] };
    };

export interface ExecuteContext {
  readonly system: SystemName;
  readonly agency: Ministry;
  readonly dynamo: DynamoDBDocumentClient;
  readonly events: EventBridgeClient;
  readonly table: string;
  readonly busName: string;
  readonly secret: string;
}

function refused(
  command: string,
  status: number,
  code: string,
  message: string,
  extra: { field?: string; issues?: { path: string; message: string }[] } = {},
): CommandResult {
  return { command, ok: false, status, error: { code, message, ...extra } };
}

export async function executeCommand(request: CommandRequest, context: ExecuteContext): Promise<CommandResult> {
  const name = String(request?.command ?? '');
  const definition = findCommand(context.system, name);
  if (!definition) {
    const known = SYSTEM_COMMANDS[context.system].map((c) => c.name).join(', ');
    return refused(
      name,
      400,
      'unknown-command',
      `${context.system} has no command ${JSON.stringify(name)}; commands: ${known}`,
      { field: 'command' },
    );
  }
  if (definition.agency !== context.agency) {
    return refused(name, 403, 'not-your-command', `${name} is issued by ${definition.agency}, not ${context.agency}`);
  }
  const parsed = definition.input.safeParse(request.input);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error, 'input');
    return refused(name, 400, 'invalid-input', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      field: issues[0]?.path,
      issues,
    });
  }
  // What deciding reads is what folding the command's events needs: read once.
  const known = new KnownRecords();
  const registry = registryPorts(context.dynamo, context.table, context.secret, known);
  const reserved: { quota: string; amount: number }[] = [];
  const giveBack = () => Promise.all(reserved.map((r) => registry.release(r.quota, r.amount)));
  const ports: CommandPorts = {
    ...registry,
    async reserve(quota, amount = 1) {
      const reservation = await registry.reserve(quota, amount);
      if (reservation === 'reserved') reserved.push({ quota, amount });
      return reservation;
    },
  };
  let entries: PutEventsEntry[];
  try {
    const planned = await definition.decide(parsed.data, ports);
    const correlationId = request.correlationId ?? randomUUID();
    entries = planned.map((p) =>
      buildEntry(
        p.definition,
        p.data as never,
        { correlationId, ...(request.occurredAt ? { occurredAt: request.occurredAt } : {}) },
        context.busName,
      ),
    );
  } catch (error) {
    await giveBack();
    if (error instanceof Refusal)
      return refused(
        name,
        error.status,
        error.code,
        error.message,
        error.field ? { field: `input.${error.field}` } : {},
      );
    if (error instanceof EventValidationError)
      return refused(name, 422, 'invalid-event', error.message, { issues: [...error.issues] });
    throw error;
  }
  if (entries.length === 0) return { command: name, ok: true, events: [] };
  const results = await putEntries(context.events, entries).catch(async (error: unknown) => {
    // Nothing was published: give back what the command reserved.
    await giveBack();
    throw error;
  });
  const failures = results.filter((r) => !r.eventId);
  if (failures.length)
    throw new Error(
      `EventBridge refused ${failures.length} event(s): ` +
        `${failures.map((f) => `${f.errorCode} ${f.errorMessage ?? ''}`).join('; ')}`,
    );
  const published: ValidEvent[] = results.map((r, i) => ({
    messageId: `command:${i}`,
    bus: rebuiltBusEvent({
      id: r.eventId!,
      source: r.entry.Source,
      detailType: r.entry.DetailType,
      time: new Date().toISOString(),
      detail: JSON.parse(r.entry.Detail) as Detail<EventData>,
    }),
  }));
  // Best effort: if this fails the registry's subscription still folds the events.
  // The topology declares this write (CommandApiSpec.registryWrites, 'own-events').
  await projectEvents(
    context.dynamo,
    context.table,
    REGISTRIES[context.system],
    context.secret,
    published,
    known,
  ).catch(() => undefined);
  return {
    command: name,
    ok: true,
    events: published.map((p) => ({ detailType: p.bus['detail-type'], eventId: p.bus.detail.meta.eventId })),
  };
}
