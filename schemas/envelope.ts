import { IsoDateTime } from './primitives.ts';
import * as z from './zod.ts';

/**
 * `detail.meta`: what every event carries besides its data. `eventId` is the
 * producer's id (idempotency key for every consumer); `causationId` names the
 * event this one reacts to; `correlationId` ties a whole exchange together.
 */
export const Meta = z.strictObject({
  eventId: z.uuid({ error: 'expected a UUID' }),
  schemaVersion: z.number().check(z.int(), z.positive()),
  occurredAt: IsoDateTime,
  correlationId: z.uuid({ error: 'expected a UUID' }),
  causationId: z.optional(z.uuid({ error: 'expected a UUID' })),
  subject: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type Meta = z.infer<typeof Meta>;

/** The EventBridge event as a target receives it (AWS fixes these names). */
export interface BusEvent<D = unknown> {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
  'replay-name'?: string;
}

export interface Detail<T = unknown> {
  meta: Meta;
  data: T;
}
