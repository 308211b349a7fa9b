import { describeBody, type DeadLetterSummary } from '../../functions/exchange-api/dead-letters.ts';
import type { Queues } from './queues.ts';

export type { DeadLetterSummary };

/**
 * Dead letters without their bodies: what failed and why, never the personal
 * data inside. `names` are the dead-letter queues the caller may see; the
 * receive count is the one from the queue a message was parked from.
 */
export function listDeadLetters(queues: Queues, names: readonly string[]): DeadLetterSummary[] {
  return names.flatMap((queue) =>
    queues.peek(queue).map((m) => ({
      queue,
      messageId: m.id,
      receiveCount: m.sourceReceiveCount ?? m.receiveCount,
      ...(m.error ? { error: m.error } : {}),
      ...(m.sourceQueue ? { sourceQueue: m.sourceQueue } : {}),
      ...(m.deadLetteredAt ? { deadLetteredAt: new Date(m.deadLetteredAt).toISOString() } : {}),
      ...describeBody(m.body),
    })),
  );
}
