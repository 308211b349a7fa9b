import type { Queues } from './queues.ts';

export interface DeadLetterSummary {
  queue: string;
  messageId: string;
  receiveCount: number;
  error?: string;
  deadLetteredAt?: string;
  source?: string;
  detailType?: string;
  eventId?: string;
}

/**
 * Dead letters without their bodies: what failed and why, never the personal
 * data inside. `names` are the dead-letter queues the caller may see; the
 * receive count is the one from the queue a message was parked from.
 */
export function listDeadLetters(queues: Queues, names: readonly string[]): DeadLetterSummary[] {
  return names.flatMap((queue) =>
    queues.peek(queue).map((m) => {
      let event: { source?: string; 'detail-type'?: string; detail?: { meta?: { eventId?: string } } } = {};
      try {
        event = JSON.parse(m.body);
      } catch {
        // An unparseable body is still listed: it is exactly what an operator must see.
      }
      return {
        queue,
        messageId: m.id,
        receiveCount: m.sourceReceiveCount ?? m.receiveCount,
        ...(m.error ? { error: m.error } : {}),
        ...(m.deadLetteredAt ? { deadLetteredAt: new Date(m.deadLetteredAt).toISOString() } : {}),
        ...(event.source ? { source: event.source } : {}),
        ...(event['detail-type'] ? { detailType: event['detail-type'] } : {}),
        ...(event.detail?.meta?.eventId ? { eventId: event.detail.meta.eventId } : {}),
      };
    }),
  );
}
