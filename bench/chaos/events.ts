/**
 * Events for the chaos scenarios: people who get a visa, cross the border,
 * register a stay, sometimes offend and sometimes get a work permit, each
 * event published by the agency that owns it. Deterministic for a seed
 * (event ids included), valid by construction (each one is parsed by its
 * schema), and unique per person number, so every figure can be traced to
 * the events behind it.
 */
import { createHash } from 'node:crypto';
import { deterministicUuid } from '../../functions/lib/ids.ts';
import { addDays, Random } from '../../infra/simulator/random.ts';
import { agencyForSource, type Ministry, TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { type PutEventsEntry, toEntry } from '../../schemas/entries.ts';

const CITIZENSHIPS = ['CHN', 'UZB', 'TUR', 'IND', 'GBR', 'KGZ', 'RUS', 'TJK'] as const;
const CHECKPOINTS = [
  'KZ-ALA-AIR',
  'KZ-NQZ-AIR',
  'KZ-KHORGOS-ROAD',
  'KZ-ZHIBEKZHOLY-ROAD',
  'KZ-PETROPAVL-RAIL',
] as const;
const REGIONS = ['KZ-75', 'KZ-71', 'KZ-79', 'KZ-23', 'KZ-47'] as const;
const ARTICLES = ['496', '517', '518', '519'] as const;

const definition = (detailType: string): EventDefinition => {
  const found = latestDefinition(detailType);
  if (!found) throw new Error(`no event definition ${detailType}`);
  return found;
};

/**
 * The seed of one random stream of a run (a person, a fuzzed request).
 * xoroshiro128+ seeded with neighbouring integers starts out alike (the
 * first draws of streams n, n+1, … cycle through the range), so the
 * stream's name is hashed into its seed.
 */
export function streamSeed(...parts: readonly (string | number)[]): number {
  return createHash('sha256').update(parts.join(':')).digest().readInt32LE(0);
}

/** A published entry and what the scenarios need to know about it. */
export interface ChaosEvent {
  readonly agency: Ministry;
  readonly eventId: string;
  readonly entry: PutEventsEntry;
}

/** `<source>#<eventId>`: how the exchange log keys an event (log-entry.ts `logKey`). */
export const keyOf = (event: Pick<ChaosEvent, 'entry' | 'eventId'>) => `${event.entry.Source}#${event.eventId}`;

const digits = (n: number, width: number) => String(n % 10 ** width).padStart(width, '0');

/**
 * Builds a valid event: the data is parsed by the schema (a generator bug
 * must fail loudly, not turn into a contract breach the figures then miss).
 */
export function validEvent(
  detailType: string,
  data: Record<string, unknown>,
  meta: { eventId: string; occurredAt: string },
): ChaosEvent {
  const def = definition(detailType);
  const parsed = def.data.safeParse(data);
  if (!parsed.success) throw new Error(`chaos generator built an invalid ${detailType}: ${parsed.error.message}`);
  const detail = {
    meta: {
      eventId: meta.eventId,
      schemaVersion: def.schemaVersion,
      occurredAt: meta.occurredAt,
      correlationId: meta.eventId,
    },
    data,
  };
  return {
    agency: agencyForSource(def.source)!.id,
    eventId: meta.eventId,
    entry: toEntry(def, detail as never, TOPOLOGY.busName),
  };
}

/** An entry with data no schema was asked about: what a careless or hostile agency can send. */
export function rawEvent(detailType: string, data: unknown, eventId: string): ChaosEvent {
  const def = definition(detailType);
  const detail = {
    meta: { eventId, schemaVersion: def.schemaVersion, occurredAt: '2021-06-01T09:00:00Z', correlationId: eventId },
    data,
  };
  return { agency: agencyForSource(def.source)!.id, eventId, entry: toEntry(def, detail as never, TOPOLOGY.busName) };
}

/**
 * The events of person `n` (numbers must be unique within a run; they make
 * the document, visa, stay, offence and permit numbers unique). The person's
 * own random stream comes from (seed, n), so a person's events do not depend
 * on which other people were generated, or in what order.
 */
export function personEvents(seed: number, n: number): readonly ChaosEvent[] {
  const key = `${seed}:${n}`;
  let events = generated.get(key);
  if (!events) {
    events = generatePerson(seed, n);
    // Bounded: the fuzzer asks about a few hundred people over and over; R1 walks through thousands once.
    if (generated.size >= 5_000) generated.delete(generated.keys().next().value!);
    generated.set(key, events);
  }
  return events;
}

/** Each person's events are generated once (schema parsing is what they cost). */
const generated = new Map<string, readonly ChaosEvent[]>();

function generatePerson(seed: number, n: number): ChaosEvent[] {
  if (n < 0 || n >= 1_000_000)
    throw new RangeError(`person numbers are 0-999999 (their registry numbers have six digits), got ${n}`);
  const random = new Random(streamSeed('person', seed, n));
  const id = (kind: string) => deterministicUuid(`chaos:${seed}:${n}:${kind}`);
  const person = { citizenship: random.pick(CITIZENSHIPS), documentNumber: `CX${digits(n, 7)}` };
  const validFrom = random.dayBetween('2021-01-01', '2021-11-30');
  const validUntil = addDays(validFrom, 180 + random.int(0, 185));
  const visaNumber = `KZ${digits(n, 7)}`;
  const region = random.pick(REGIONS);
  const crossedOn = addDays(validFrom, random.int(0, 5));
  const at = (day: string) => `${day}T${digits(random.int(0, 23), 2)}:${digits(random.int(0, 59), 2)}:00Z`;
  const crossedAt = at(crossedOn);
  const events = [
    validEvent(
      'VisaIssued',
      {
        person,
        holder: { surname: 'CHAOS', givenNames: `PERSON ${n}`, birthDate: '1990-01-01', sex: random.pick(['F', 'M']) },
        visaNumber,
        visaType: 'work',
        entries: 'multiple',
        validFrom,
        validUntil,
        issuedIn: person.citizenship,
      },
      { eventId: id('visa'), occurredAt: `${validFrom}T09:00:00Z` },
    ),
    validEvent(
      'BorderCrossingRecorded',
      { person, direction: 'entry', checkpoint: random.pick(CHECKPOINTS), crossedAt, visaNumber },
      { eventId: id('entry'), occurredAt: crossedAt },
    ),
    validEvent(
      'StayRegistered',
      {
        person,
        registrationNumber: `R-${region.slice(3)}-2021-${digits(n, 6)}`,
        region,
        validFrom: crossedOn,
        validUntil,
        purpose: 'work',
      },
      { eventId: id('stay'), occurredAt: `${crossedOn}T18:00:00Z` },
    ),
  ];
  if (random.chance(0.5)) {
    const committedOn = addDays(crossedOn, random.int(1, 60));
    const committedAt = at(committedOn);
    events.push(
      validEvent(
        'AdministrativeOffenceRecorded',
        {
          person,
          offenceId: `AO-2021-${digits(n, 7)}`,
          article: random.pick(ARTICLES),
          region,
          committedOn,
          penalty: { kind: 'fine', fineMci: random.int(1, 50) },
        },
        { eventId: id('offence'), occurredAt: committedAt },
      ),
    );
  }
  if (random.chance(0.5)) {
    events.push(
      validEvent(
        'WorkPermitIssued',
        {
          person,
          permitNumber: `WP-${region.slice(3)}-2021-${digits(n, 6)}`,
          kind: 'lea-employer',
          employerBin: '990909400012',
          category: random.pick(['1', '2', '3', '4']),
          region,
          occupation: 'Engineer',
          validFrom: crossedOn,
          validUntil,
        },
        { eventId: id('permit'), occurredAt: `${crossedOn}T10:00:00Z` },
      ),
    );
  }
  return events;
}

/**
 * An endless supply of batches of up to ten events for one agency: the
 * agency's events of person 0, 1, 2, … (each person number taken once by
 * whichever agency's publisher gets there; other agencies take that
 * person's other events from the same numbers).
 */
export class AgencyStream {
  private next = 0;
  private queue: ChaosEvent[] = [];

  constructor(
    private readonly seed: number,
    readonly agency: Ministry,
    private readonly firstPerson = 0,
  ) {}

  batch(size = 10): ChaosEvent[] {
    while (this.queue.length < size)
      this.queue.push(
        ...personEvents(this.seed, this.firstPerson + this.next++).filter((e) => e.agency === this.agency),
      );
    return this.queue.splice(0, size);
  }

  /** People whose events this stream has started to hand out. */
  get people(): number {
    return this.next;
  }
}
