import { type EventBridgeClient, PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { EventDefinition } from '../../schemas/define.ts';
import { newMeta, type PutEventsEntry, toEntry } from '../../schemas/entries.ts';
import type { Meta } from '../../schemas/envelope.ts';
import { EventValidationError, issuesFrom } from '../../schemas/validate.ts';
import type * as z from '../../schemas/zod.ts';

const MAX_ENTRIES_PER_CALL = 10;

export interface PublishResult {
  readonly entry: PutEventsEntry;
  readonly eventId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Thrown when EventBridge refused some entries; carries every entry's outcome so nothing is lost silently. */
export class PublishError extends Error {
  constructor(readonly results: readonly PublishResult[]) {
    const failed = results.filter((r) => r.errorCode);
    super(
      `${failed.length} of ${results.length} event(s) were refused: ` +
        `${failed.map((r) => `${r.entry.DetailType}: ${r.errorCode} ${r.errorMessage ?? ''}`).join('; ')}`,
    );
    this.name = 'PublishError';
  }
}

/** Builds a validated entry: the data is parsed by the event's schema before anything is sent. */
export function buildEntry<D extends z.ZodMiniType>(
  definition: EventDefinition<D>,
  data: z.input<D>,
  meta: Partial<Meta> = {},
  busName?: string,
): PutEventsEntry {
  const detail = { meta: newMeta(definition, meta), data };
  const parsed = definition.detail.safeParse(detail);
  if (!parsed.success) throw new EventValidationError(issuesFrom(parsed.error, 'detail'), { cause: parsed.error });
  return toEntry(definition, parsed.data as never, busName);
}

/** Sends entries 10 at a time and reports every entry's outcome in order. */
export async function putEntries(
  client: EventBridgeClient,
  entries: readonly PutEventsEntry[],
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (let start = 0; start < entries.length; start += MAX_ENTRIES_PER_CALL) {
    const chunk = entries.slice(start, start + MAX_ENTRIES_PER_CALL);
    const out = await client.send(new PutEventsCommand({ Entries: chunk }));
    chunk.forEach((entry, i) => {
      const answer: PutEventsResultEntry = out.Entries?.[i] ?? {
        ErrorCode: 'MissingResult',
        ErrorMessage: 'EventBridge returned no result for this entry',
      };
      results.push(
        answer.EventId
          ? { entry, eventId: answer.EventId }
          : {
              entry,
              errorCode: answer.ErrorCode ?? 'Unknown',
              ...(answer.ErrorMessage ? { errorMessage: answer.ErrorMessage } : {}),
            },
      );
    });
  }
  return results;
}

/** The typed publisher agencies use from TypeScript: validate, send, and throw if anything was refused. */
export function createPublisher(client: EventBridgeClient, busName: string) {
  return {
    async publish<D extends z.ZodMiniType>(
      definition: EventDefinition<D>,
      data: z.input<D>,
      meta: Partial<Meta> = {},
    ): Promise<string> {
      const [result] = await putEntries(client, [buildEntry(definition, data, meta, busName)]);
      if (!result?.eventId) throw new PublishError(result ? [result] : []);
      return result.eventId;
    },
    async publishAll(entries: readonly PutEventsEntry[]): Promise<PublishResult[]> {
      const results = await putEntries(client, entries);
      if (results.some((r) => r.errorCode)) throw new PublishError(results);
      return results;
    },
  };
}
