import * as z from 'zod';
import { CountryCode, DocumentNumber, Iin, IsoDate } from './primitives.ts';

/**
 * Who an event is about. Foreigners are known by citizenship + travel
 * document; citizens and residents by IIN. Both may be present (a foreigner
 * with a residence permit has an IIN and keeps a passport).
 * @example { "citizenship": "UZB", "documentNumber": "FA1234567" }
 * @example { "iin": "900101300017" }
 */
export const PersonRef = z
  .object({
    citizenship: CountryCode.optional(),
    documentNumber: DocumentNumber.optional(),
    iin: Iin.optional(),
  })
  .strict()
  .superRefine((person, ctx) => {
    const hasForeignId = person.citizenship !== undefined || person.documentNumber !== undefined;
    if (hasForeignId && person.citizenship === undefined) {
      ctx.addIssue({ code: 'custom', path: ['citizenship'], message: 'required with documentNumber: a foreigner is identified by citizenship and document number' });
    }
    if (hasForeignId && person.documentNumber === undefined) {
      ctx.addIssue({ code: 'custom', path: ['documentNumber'], message: 'required with citizenship: a foreigner is identified by citizenship and document number' });
    }
    if (!hasForeignId && person.iin === undefined) {
      ctx.addIssue({ code: 'custom', path: ['iin'], message: 'a person needs an iin, or citizenship and documentNumber' });
    }
  });
export type PersonRef = z.infer<typeof PersonRef>;

/** Personal particulars, carried only by the events that establish a record. */
export const Holder = z
  .object({
    surname: z.string().min(1).max(100),
    givenNames: z.string().min(1).max(100),
    birthDate: IsoDate,
    sex: z.enum(['F', 'M']),
  })
  .strict();
export type Holder = z.infer<typeof Holder>;
