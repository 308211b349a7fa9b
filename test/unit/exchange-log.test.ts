import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { personKey } from '../../functions/domain/person-key.ts';
import { isReplay, toConflictWrite, toLogWrite } from '../../functions/exchange-log/log-entry.ts';
import { SOURCES } from '../../schemas/define.ts';
import { busEvent } from '../fixtures/bus-events.ts';

const SECRET = 'test-secret';
const KNOWN = Object.values(SOURCES);

describe('exchange log entry', () => {
  it('records a valid event under its source and meta.eventId, with its person key and causation', () => {
    // Prepare
    const causationId = '4f3c0d0e-9a43-4c8e-9b59-0f4bbf1f2a11';
    const event = busEvent('WorkPermitRevoked', { meta: { causationId }, time: '2021-09-16T08:00:00Z' });
    // Act
    const { entry, parts } = toLogWrite(event, SECRET, KNOWN);
    // Assess
    const meta = (event.detail as { meta: { eventId: string; correlationId: string; occurredAt: string } }).meta;
    expect(parts).toEqual([]);
    expect(entry).toEqual({
      pk: `kz.labour.foreign-labour#${meta.eventId}`,
      eventId: meta.eventId,
      busEventId: event.id,
      source: 'kz.labour.foreign-labour',
      detailType: 'WorkPermitRevoked',
      time: '2021-09-16T08:00:00Z',
      occurredAt: meta.occurredAt,
      day: '2021-09-16',
      logPosition: `2021-09-16T08:00:00Z#${event.id}`,
      subject: personKey({ citizenship: 'CHN', documentNumber: 'EA1234567' }, SECRET),
      correlationId: meta.correlationId,
      causationId,
      detail: JSON.stringify(event.detail),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      valid: true,
    });
  });

  it('keys the same event id under two sources apart, so no agency can address another\u2019s row', () => {
    const eventId = '0f8e8e2a-1c1d-4b7a-9a0e-2f7b5d1c6a10';
    const visa = toLogWrite(busEvent('VisaIssued', { meta: { eventId } }), SECRET, KNOWN).entry;
    const stay = toLogWrite(busEvent('StayRegistered', { meta: { eventId } }), SECRET, KNOWN).entry;
    // The log key is `<source>#<eventId>`, written out here rather than computed by logKey, the function under test.
    expect(visa.pk).toBe(`kz.foreign-affairs.berkut#${eventId}`);
    expect(stay.pk).toBe(`kz.interior.berkut#${eventId}`);
    expect(visa.digest).not.toBe(stay.digest);
  });

  it('gives a redelivered event the same digest and a changed one another', () => {
    const event = busEvent('VisaIssued');
    const again = toLogWrite(structuredClone(event), SECRET, KNOWN).entry;
    const changed = structuredClone(event);
    (changed.detail as { data: { visaType: string } }).data.visaType = 'tourist';
    expect(toLogWrite(event, SECRET, KNOWN).entry.digest).toBe(again.digest);
    expect(toLogWrite(changed, SECRET, KNOWN).entry.digest).not.toBe(again.digest);
  });

  it('records an event that breaks the contract with its issues, on the breaches index, instead of dropping it', () => {
    const event = busEvent('VisaIssued', { data: { person: { iin: '1' } } });
    const { entry } = toLogWrite(event, SECRET, KNOWN);
    expect(entry).toMatchObject({
      valid: false,
      eventId: `bus:${event.id}`,
      breach: 'invalid',
      breachSource: 'kz.foreign-affairs.berkut',
      detail: JSON.stringify(event.detail),
    });
    expect(entry.issues).toContainEqual({ path: 'detail.data.person.iin', message: 'an IIN is exactly 12 digits' });
  });

  it('files breaches from unknown sources under "other"', () => {
    const event = { ...busEvent('VisaIssued'), source: 'kz.somebody.else' };
    expect(toLogWrite(event, SECRET, KNOWN).entry).toMatchObject({ breach: 'invalid', breachSource: 'other' });
  });

  it('keeps a 450 kB breach whole: compressed, and split over part rows when it must be', () => {
    // Prepare: a field DynamoDB could never hold in one item as text, and random data that does not compress.
    const huge = busEvent('VisaIssued');
    (huge.detail as { data: { visaNumber: string } }).data.visaNumber = 'A'.repeat(450_000);
    const noise = busEvent('VisaIssued');
    (noise.detail as { data: { visaNumber: string } }).data.visaNumber = randomBytes(700_000).toString('base64');
    // Act
    const compressed = toLogWrite(huge, SECRET, KNOWN);
    const parted = toLogWrite(noise, SECRET, KNOWN);
    // Assess: nothing truncated, every item under DynamoDB's 400 KB.
    expect(compressed.entry.detail).toBeUndefined();
    expect(gunzipSync(compressed.entry.detailGzip!).toString()).toBe(JSON.stringify(huge.detail));
    expect(parted.entry.detailParts).toBe(parted.parts.length);
    expect(parted.parts.length).toBeGreaterThan(1);
    expect(parted.parts.every((p) => p.data.length <= 300 * 1024)).toBe(true);
    expect(gunzipSync(Buffer.concat(parted.parts.map((p) => p.data))).toString()).toBe(JSON.stringify(noise.detail));
    expect(JSON.stringify(parted.entry.issues).length).toBeLessThan(30_000);
  });

  it('keeps a second, different event under a taken id apart as an id conflict, never over the first', () => {
    const eventId = '0f8e8e2a-1c1d-4b7a-9a0e-2f7b5d1c6a11';
    const first = toLogWrite(busEvent('VisaIssued', { meta: { eventId } }), SECRET, KNOWN).entry;
    const second = toLogWrite(busEvent('VisaRevoked', { meta: { eventId } }), SECRET, KNOWN);
    const { entry } = toConflictWrite(second, first, KNOWN);
    // `conflict#<the taken key>#<the second event's bus id>`: each conflicting delivery gets its own row.
    expect(entry.pk).toBe(`conflict#kz.foreign-affairs.berkut#${eventId}#${second.entry.busEventId}`);
    expect(entry.pk).not.toBe(first.pk);
    expect(entry).toMatchObject({
      valid: false,
      breach: 'id-conflict',
      breachSource: 'kz.foreign-affairs.berkut',
      conflictsWith: first.pk,
      detail: second.entry.detail,
    });
    expect(entry.issues![0]!.message).toMatch(
      /already used by kz\.foreign-affairs\.berkut for a different event \(VisaIssued/,
    );
  });

  it('has no subject for events that are not about a person', () => {
    expect(toLogWrite(busEvent('QandasQuotaSet'), SECRET, KNOWN).entry.subject).toBeUndefined();
  });

  it('recognises replayed events', () => {
    expect(isReplay({ ...busEvent('VisaIssued'), 'replay-name': 'rebuild-1' })).toBe(true);
    expect(isReplay(busEvent('VisaIssued'))).toBe(false);
  });
});

describe('person key', () => {
  it('is stable, pseudonymous and keyed', () => {
    const person = { citizenship: 'UZB', documentNumber: 'FA1111111' };
    expect(personKey(person, SECRET)).toBe(personKey({ ...person }, SECRET));
    expect(personKey(person, SECRET)).not.toContain('FA1111111');
    expect(personKey(person, 'other')).not.toBe(personKey(person, SECRET));
  });

  it('keeps a foreigner on their document identity after they receive an IIN', () => {
    const before = { citizenship: 'UZB', documentNumber: 'FA1111111' };
    expect(personKey({ ...before, iin: '900101300017' }, SECRET)).toBe(personKey(before, SECRET));
    expect(personKey({ iin: '900101300017' }, SECRET)).not.toBe(personKey(before, SECRET));
  });
});
