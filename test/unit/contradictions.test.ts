import { describe, expect, it } from 'vitest';
import { findContradictions, groupByPerson } from '../../functions/domain/contradictions.ts';
import type { StoredRecord } from '../../functions/projector/plan.ts';

const record = (kind: StoredRecord['kind'], sk: string, state: Record<string, unknown>): StoredRecord =>
  ({ pk: 'p#person-1', sk, kind, version: 1, state, events: [] }) as StoredRecord;

describe('contradictions between views', () => {
  it('name the date a qandas status should have closed: the citizenship grant it ignored', () => {
    // Prepare: Labour still holds an active qandas status; Interior granted citizenship in September.
    const labour = groupByPerson([
      record('qandas', 'qandas#Q-2021-000001', {
        qandasId: 'Q-2021-000001',
        status: 'active',
        grantedOn: '2021-03-01',
      }),
    ]);
    const interior = groupByPerson([
      record('citizenship', 'citizenship#D-1', { grantedOn: '2021-09-01', decreeNumber: 'D-1' }),
    ]);
    // Act
    const found = findContradictions({ labour, interior, foreignAffairs: new Map() }, '2021-12-01');
    // Assess
    expect(found).toEqual([
      {
        personKey: 'person-1',
        rule: 'qandas-active-after-citizenship',
        views: ['labour', 'interior'],
        message: 'labour: qandas Q-2021-000001 still active on 2021-12-01; interior: citizenship granted 2021-09-01',
      },
    ]);
  });

  it('find nothing before the grant', () => {
    const labour = groupByPerson([
      record('qandas', 'qandas#Q-2021-000001', { qandasId: 'Q-2021-000001', status: 'active' }),
    ]);
    const interior = groupByPerson([record('citizenship', 'citizenship#D-1', { grantedOn: '2021-09-01' })]);
    expect(findContradictions({ labour, interior, foreignAffairs: new Map() }, '2021-08-31')).toEqual([]);
  });
});
