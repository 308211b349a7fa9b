import { CountryCode, DocumentNumber, Iin, IsoDate } from './primitives.ts';
import * as z from './zod.ts';

/**
 * Who an event is about. Foreigners are known by citizenship + travel
 * document; citizens and residents by IIN. Both may be present (a foreigner
 * with a residence permit has an IIN and keeps a passport).
 * @example { "citizenship": "UZB", "documentNumber": "FA1234567" }
 * @example { "iin": "900101300017" }
 */
export const PersonRef = z
  .strictObject({
    citizenship: z.optional(CountryCode),
    documentNumber: z.optional(DocumentNumber),
    iin: z.optional(Iin),
  })
  .check(
    z.superRefine((person, ctx) => {
      const hasForeignId = person.citizenship !== undefined || person.documentNumber !== undefined;
      if (hasForeignId && person.citizenship === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['citizenship'],
          message: 'required with documentNumber: a foreigner is identified by citizenship and document number',
        });
      }
      if (hasForeignId && person.documentNumber === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['documentNumber'],
          message: 'required with citizenship: a foreigner is identified by citizenship and document number',
        });
      }
      if (!hasForeignId && person.iin === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['iin'],
          message: 'a person needs an iin, or citizenship and documentNumber',
        });
      }
    }),
  );
export type PersonRef = z.infer<typeof PersonRef>;

/** Personal particulars, carried only by the events that establish a record. */
export const Holder = z.strictObject({
  surname: z.string().check(z.minLength(1), z.maxLength(100)),
  givenNames: z.string().check(z.minLength(1), z.maxLength(100)),
  birthDate: IsoDate,
  sex: z.enum(['F', 'M']),
});
export type Holder = z.infer<typeof Holder>;
