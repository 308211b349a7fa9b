import { createHmac } from 'node:crypto';
import type { PersonRef } from '../../schemas/person.ts';

/**
 * The identity a person keeps for life in this platform: a foreigner's
 * document identity wins over an IIN given later, so the records built while
 * they were a foreigner stay under one key. Citizens by birth have only IIN.
 */
export function normalisedIdentity(person: PersonRef): string {
  if (person.citizenship && person.documentNumber) {
    return `doc:${person.citizenship.toUpperCase()}:${person.documentNumber.toUpperCase().replace(/\s+/g, '')}`;
  }
  if (person.iin) return `iin:${person.iin}`;
  throw new Error('person has neither citizenship+documentNumber nor iin');
}

/** Pseudonymous key: HMAC-SHA256 of the normalised identity, so a view's key reveals nobody without the secret. */
export function personKey(person: PersonRef, secret: string): string {
  return createHmac('sha256', secret).update(normalisedIdentity(person)).digest('base64url').slice(0, 32);
}

/**
 * How to find a person's records: their key, and whether it came from an IIN alone (then an alias may
 * point to their document identity).
 */
export interface PersonLookup {
  readonly key: string;
  readonly viaIin: boolean;
}

export function lookupKey(person: PersonRef, secret: string): PersonLookup {
  return { key: personKey(person, secret), viaIin: !(person.citizenship && person.documentNumber) };
}
