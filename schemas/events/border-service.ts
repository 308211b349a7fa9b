import { defineEvent, SOURCES } from '../define.ts';
import { PersonRef } from '../person.ts';
import { IsoDateTime } from '../primitives.ts';
import * as z from '../zod.ts';
import { VisaNumber } from './foreign-affairs.ts';

/** Border checkpoint code, e.g. "KZ-ALA-AIR" (airport) or "KZ-KHORGOS-ROAD". */
export const Checkpoint = z.string().check(
  z.maxLength(40, { error: 'a checkpoint code is at most 40 characters', abort: true }),
  z.regex(/^KZ-[A-Z0-9]+-(AIR|ROAD|RAIL|SEA)$/, {
    error: 'a checkpoint code looks like KZ-<PLACE>-<AIR|ROAD|RAIL|SEA>',
  }),
);

export const BorderCrossingRecorded = defineEvent({
  source: SOURCES.borderService,
  detailType: 'BorderCrossingRecorded',
  description: 'A person crossed the state border through a checkpoint.',
  data: z.strictObject({
    person: PersonRef,
    direction: z.enum(['entry', 'exit']),
    checkpoint: Checkpoint,
    crossedAt: IsoDateTime,
    /** Visa the person entered on; absent for visa-free entry and exits. */
    visaNumber: z.optional(VisaNumber),
  }),
  example: {
    person: { citizenship: 'CHN', documentNumber: 'EA1234567' },
    direction: 'entry',
    checkpoint: 'KZ-ALA-AIR',
    crossedAt: '2021-02-03T06:45:00Z',
    visaNumber: 'KZ0012345',
  },
});

export const EntryDenied = defineEvent({
  source: SOURCES.borderService,
  detailType: 'EntryDenied',
  description: 'The border service refused a person entry at a checkpoint.',
  data: z.strictObject({
    person: PersonRef,
    checkpoint: Checkpoint,
    deniedAt: IsoDateTime,
    reason: z.enum(['entry-ban', 'no-valid-visa', 'invalid-document', 'security', 'health']),
  }),
  example: {
    person: { citizenship: 'UZB', documentNumber: 'FA7654321' },
    checkpoint: 'KZ-ZHIBEKZHOLY-ROAD',
    deniedAt: '2021-06-11T14:20:00Z',
    reason: 'entry-ban',
  },
});
