/**
 * Contradictions between ministries' views: facts one ministry holds that
 * another's records deny. Each check names the views it compares.
 */
import { ofKind, type StoredRecord } from '../projector/plan.ts';
import { permitActiveOn } from './aggregates.ts';

export interface Contradiction {
  readonly personKey: string;
  readonly rule:
    | 'permit-after-deportation'
    | 'permit-after-visa-revoked'
    | 'permit-after-visa-expired'
    | 'qandas-active-after-citizenship';
  readonly message: string;
  readonly views: readonly string[];
}

type ByPerson = ReadonlyMap<string, readonly StoredRecord[]>;

/** Finds contradictions on a day between the labour, interior and foreign-affairs views (records grouped by pk). */
export function findContradictions(
  views: { labour: ByPerson; interior: ByPerson; foreignAffairs: ByPerson },
  on: string,
): Contradiction[] {
  const found: Contradiction[] = [];
  for (const [pk, labourRecords] of views.labour) {
    const personKey = pk.slice(2);
    for (const permit of ofKind(labourRecords, 'permit').filter((p) => permitActiveOn(p.state, on))) {
      const number = String(permit.state.permitNumber);
      const deportation = ofKind(views.interior.get(pk) ?? [], 'deportation').find(
        (d) => String(d.state.orderedOn) <= on,
      );
      if (deportation) {
        found.push({
          personKey,
          rule: 'permit-after-deportation',
          views: ['labour', 'interior'],
          message:
            `labour: permit ${number} in force on ${on}; interior: deportation ordered ` +
            `${deportation.state.orderedOn} (${deportation.state.orderNumber})`,
        });
      }
      const visas = ofKind(views.foreignAffairs.get(pk) ?? [], 'visa');
      const revoked = visas.find(
        (v) =>
          v.state.status === 'revoked' &&
          String(v.state.revokedOn) <= on &&
          String(v.state.validUntil) >= String(permit.state.validFrom),
      );
      if (revoked) {
        found.push({
          personKey,
          rule: 'permit-after-visa-revoked',
          views: ['labour', 'foreign-affairs'],
          message:
            `labour: permit ${number} in force on ${on}; foreign-affairs: visa ${revoked.state.visaNumber} ` +
            `revoked ${revoked.state.revokedOn}`,
        });
      } else if (visas.length > 0 && visas.every((v) => String(v.state.validUntil) < on)) {
        const last = visas
          .map((v) => String(v.state.validUntil))
          .sort()
          .at(-1);
        found.push({
          personKey,
          rule: 'permit-after-visa-expired',
          views: ['labour', 'foreign-affairs'],
          message:
            `labour: permit ${number} in force on ${on}; foreign-affairs: every visa expired, the last on ` + `${last}`,
        });
      }
    }
    const citizenship = [
      ...ofKind(labourRecords, 'citizenship'),
      ...ofKind(views.interior.get(pk) ?? [], 'citizenship'),
    ].find((c) => c.state.grantedOn !== undefined && c.state.grantedOn <= on);
    if (!citizenship) continue;
    for (const status of ofKind(labourRecords, 'qandas').filter((q) => q.state.status === 'active')) {
      found.push({
        personKey,
        rule: 'qandas-active-after-citizenship',
        views: ['labour', 'interior'],
        message:
          `labour: qandas ${status.state.qandasId} still active on ${on}; interior: citizenship granted ` +
          `${citizenship.state.grantedOn}`,
      });
    }
  }
  return found;
}

export function groupByPerson(records: readonly StoredRecord[]): Map<string, StoredRecord[]> {
  const grouped = new Map<string, StoredRecord[]>();
  for (const record of records) {
    if (!record.pk.startsWith('p#')) continue;
    const list = grouped.get(record.pk) ?? [];
    list.push(record);
    grouped.set(record.pk, list);
  }
  return grouped;
}
