import { describe, expect, it } from 'vitest';
import { isReplay, toLogEntry } from '../../functions/exchange-log/log-entry.ts';
import { personKey } from '../../functions/lib/person-key.ts';
import { busEvent } from '../fixtures/bus-events.ts';

const SECRET = 'test-secret';

describe('exchange log entry', () => {
  it('records a valid event under its meta.eventId, with its person key and causation', () => {
    // Prepare
    const causationId = '4f3c0d0e-9a43-4c8e-9b59-0f4bbf1f2a11';
    const event = busEvent('WorkPermitRevoked', { meta: { causationId }, time: '2021-09-16T08:00:00Z' });
    // Act
    const entry = toLogEntry(event, SECRET);
    // Assess
    const meta = (event.detail as { meta: { eventId: string; correlationId: string; occurredAt: string } }).meta;
    expect(entry).toEqual({
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
      valid: true,
    });
  });

  it('records an event that breaks the contract with its issues instead of dropping it', () => {
    const event = busEvent('VisaIssued', { data: { person: { iin: '1' } } });
    const entry = toLogEntry(event, SECRET);
    expect(entry.valid).toBe(false);
    expect(entry.eventId).toBe(`bus:${event.id}`);
    expect(entry.issues).toContainEqual({ path: 'detail.data.person.iin', message: 'an IIN is exactly 12 digits' });
    expect(entry.detail).toBe(JSON.stringify(event.detail));
  });

  it('has no subject for events that are not about a person', () => {
    expect(toLogEntry(busEvent('QandasQuotaSet'), SECRET).subject).toBeUndefined();
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
