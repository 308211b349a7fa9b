/**
 * The exchanges between systems: how each system reacts to other agencies'
 * events, publishing its own events with `causationId` set to the cause.
 * Reaction ids are derived from the cause, so a redelivered cause yields the
 * same reaction event (one reaction, however often the cause arrives).
 */

import { latestDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { isSmoke, type PutEventsEntry, SMOKE_RESOURCE } from '../../schemas/entries.ts';
import type { BusEvent, Detail } from '../../schemas/envelope.ts';
import type { PersonRef } from '../../schemas/person.ts';
import type * as z from '../../schemas/zod.ts';
import { personKey } from '../domain/person-key.ts';
import type { EventData } from '../domain/projections.ts';
import { deterministicUuid } from '../lib/ids.ts';
import { buildEntry } from '../lib/publisher.ts';
import type { RecordOf } from '../projector/plan.ts';
import { ofKind } from '../projector/plan.ts';
import type { RecordReader } from '../projector/registry-reader.ts';

export interface ReactionContext {
  readonly secret: string;
  readonly busName: string;
}

export interface SystemReactions {
  readonly triggers: ReadonlySet<string>;
  /**
   * Per trigger, the detail-types the reaction may publish: what the catalog
   * shows, checked against what `react` does by test/unit/catalog-declarations.test.ts.
   */
  readonly emits: Readonly<Record<string, readonly string[]>>;
  react(
    cause: BusEvent<Detail<EventData>>,
    registry: RecordReader,
    context: ReactionContext,
  ): Promise<PutEventsEntry[]>;
}

function reaction<D extends z.ZodMiniType>(
  cause: BusEvent<Detail<EventData>>,
  detailType: string,
  discriminator: string,
  data: z.input<D>,
  busName: string,
): PutEventsEntry {
  const definition = latestDefinition(detailType) as EventDefinition<D>;
  const { meta } = cause.detail;
  const entry = buildEntry(
    definition,
    data,
    {
      eventId: deterministicUuid(`${meta.eventId}:${detailType}:${discriminator}`),
      causationId: meta.eventId,
      correlationId: meta.correlationId,
      occurredAt: meta.occurredAt,
    },
    busName,
  );
  // What smoke traffic causes is smoke traffic too.
  return isSmoke(cause) ? { ...entry, Resources: [SMOKE_RESOURCE] } : entry;
}

const personOf = (cause: BusEvent<Detail<EventData>>) => cause.detail.data.person as PersonRef;

/**
 * A deportation or citizenship ends all of a foreigner's active work permits;
 * a revoked visa ends only the permits issued on that visa (`visaNumber`), so
 * a worker's other permits, and those of workers who need no visa, stand.
 */
const PERMIT_ENDING: Readonly<
  Record<
    string,
    {
      date: string;
      reason: 'deportation' | 'visa-revoked' | 'citizenship';
      dependsOn?: (cause: EventData) => (permit: RecordOf<'permit'>) => boolean;
    }
  >
> = {
  DeportationOrdered: { date: 'orderedOn', reason: 'deportation' },
  VisaRevoked: {
    date: 'revokedOn',
    reason: 'visa-revoked',
    dependsOn: (cause) => (permit) => permit.state.visaNumber === cause.visaNumber,
  },
  CitizenshipGranted: { date: 'grantedOn', reason: 'citizenship' },
};

const foreignLabour: SystemReactions = {
  triggers: new Set(Object.keys(PERMIT_ENDING)),
  emits: Object.fromEntries(Object.keys(PERMIT_ENDING).map((trigger) => [trigger, ['WorkPermitRevoked']])),
  async react(cause, registry, { secret, busName }) {
    const rule = PERMIT_ENDING[cause['detail-type']]!;
    const on = cause.detail.data[rule.date] as string;
    const affected = rule.dependsOn?.(cause.detail.data) ?? (() => true);
    const records = await registry.personRecords(personKey(personOf(cause), secret));
    return ofKind(records, 'permit')
      .filter((r) => r.state.status === 'active' && String(r.state.validUntil) >= on && affected(r))
      .map((permit) =>
        reaction(
          cause,
          'WorkPermitRevoked',
          String(permit.state.permitNumber),
          {
            person: personOf(cause),
            permitNumber: permit.state.permitNumber,
            revokedOn: on,
            reason: rule.reason,
          },
          busName,
        ),
      );
  },
};

const qandas: SystemReactions = {
  triggers: new Set(['CitizenshipGranted']),
  emits: { CitizenshipGranted: ['QandasStatusClosed'] },
  async react(cause, registry, { secret, busName }) {
    const records = await registry.personRecords(personKey(personOf(cause), secret));
    return ofKind(records, 'qandas')
      .filter((r) => r.state.status === 'active')
      .map((record) =>
        reaction(
          cause,
          'QandasStatusClosed',
          String(record.state.qandasId),
          {
            person: personOf(cause),
            qandasId: record.state.qandasId,
            closedOn: cause.detail.data.grantedOn,
            reason: 'citizenship',
          },
          busName,
        ),
      );
  },
};

/** Residence permit number for a one-window qandas registration: region digits, year, qandas serial. */
export function qandasResidencePermitNumber(qandasId: string, region: string): string {
  const [, year, serial] = /^Q-(\d{4})-(\d{6})$/.exec(qandasId) ?? [];
  return `RP-${region.slice(3)}-${year}-Q${serial}`;
}

const berkut: SystemReactions = {
  triggers: new Set(['QandasStatusGranted', 'CitizenshipGranted']),
  emits: { QandasStatusGranted: ['ResidencePermitIssued'], CitizenshipGranted: ['ForeignerRecordClosed'] },
  async react(cause, registry, { secret, busName }) {
    const data = cause.detail.data;
    if (cause['detail-type'] === 'CitizenshipGranted') {
      const profile = await registry.record(`p#${personKey(personOf(cause), secret)}`, 'profile');
      if (profile?.kind === 'profile' && profile.state.foreignerRecord === 'closed') return [];
      return [
        reaction(
          cause,
          'ForeignerRecordClosed',
          'citizenship',
          { person: personOf(cause), closedOn: data.grantedOn, reason: 'citizenship' },
          busName,
        ),
      ];
    }
    // One window: a qandas status is also the application for permanent residence.
    const permitNumber = qandasResidencePermitNumber(String(data.qandasId), String(data.settlementRegion));
    const records = await registry.personRecords(personKey(personOf(cause), secret));
    if (ofKind(records, 'residence').some((r) => r.state.permitNumber === permitNumber)) return [];
    return [
      reaction(
        cause,
        'ResidencePermitIssued',
        permitNumber,
        {
          person: personOf(cause),
          permitNumber,
          kind: 'permanent',
          region: data.settlementRegion,
          validFrom: data.grantedOn,
          basis: 'qandas',
          qandasId: data.qandasId,
        },
        busName,
      ),
    ];
  },
};

const REACTIONS: Readonly<Record<string, SystemReactions>> = { berkut, 'foreign-labour': foreignLabour, qandas };

export function findReactions(system: string): SystemReactions {
  const found = REACTIONS[system];
  if (!found) throw new Error(`no reactions for system ${system}; systems: ${Object.keys(REACTIONS).join(', ')}`);
  return found;
}
