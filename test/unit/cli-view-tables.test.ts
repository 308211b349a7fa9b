/** `mx view` without --json: the query API's answers laid out for a person to read. */
import { describe, expect, it } from 'vitest';
import { labelOf, renderDossier, renderLineage, renderStats } from '../../infra/cli/view-tables.ts';

describe('renderStats', () => {
  it('puts the period on top and each figure under its heading, counts right-aligned with thousands separators', () => {
    // Prepare: labour's figures in the query API's shape (functions/domain/stats.ts).
    const stats = {
      ministry: 'labour',
      period: { from: '2021-01-01', to: '2021-12-31', asOf: '2021-12-01' },
      qandas: {
        granted: 17540,
        byOrigin: { UZB: 13339, CHN: 1201 },
        bySettlementRegion: { 'KZ-11': 160 },
        byMonth: {},
      },
      workPermits: { activeOn: '2021-12-01', active: 15527, quotaUse: { 'KZ-75': { quota: 2000, issued: 1873 } } },
    };

    // Act
    const text = renderStats(stats);

    // Assess: the whole layout, so a change to it is a deliberate one.
    expect(text).toBe(
      [
        'labour view, 2021-01-01 to 2021-12-31 (in force on 2021-12-01)',
        '',
        'qandas',
        '  granted                17,540',
        '  by origin',
        '    UZB                  13,339',
        '    CHN                   1,201',
        '  by settlement region',
        '    KZ-11 Akmola Region     160',
        '  by month               (none)',
        'work permits',
        '  active on              2021-12-01',
        '  active                 15,527',
        '  quota use',
        '    KZ-75 Almaty         quota 2,000, issued 1,873',
        '',
      ].join('\n'),
    );
  });

  it('is not JSON', () => {
    expect(() =>
      JSON.parse(
        renderStats({
          ministry: 'interior',
          period: { from: '2021-01-01', to: '2021-12-31', asOf: '2021-12-31' },
          offences: 1,
        }),
      ),
    ).toThrow();
  });
});

describe('labelOf', () => {
  it('spells field names as words', () => {
    expect(['bySettlementRegion', 'amountKzt', 'deportationsNeedingConsularNotice', 'entry'].map(labelOf)).toEqual([
      'by settlement region',
      'amount KZT',
      'deportations needing consular notice',
      'entry',
    ]);
  });
});

describe('renderDossier', () => {
  it('lists the profile field by field and one line per record, and says the read is in the ledger', () => {
    const text = renderDossier({
      ministry: 'foreign-affairs',
      personKey: 'pk-1',
      profile: {
        person: { citizenship: 'UZB', documentNumber: 'FA1234567' },
        fullName: 'KARIMOV AZIZ',
        birthDate: '1990-01-01',
      },
      records: [
        {
          kind: 'visa',
          key: 'V123',
          state: {
            person: { citizenship: 'UZB', documentNumber: 'FA1234567' },
            visaType: 'work',
            validUntil: '2021-12-31',
            status: 'active',
          },
        },
      ],
      access: { readAt: '2026-11-29T10:00:00.000Z', purpose: 'case 2021/17' },
    });
    expect(text).toBe(
      [
        'foreign-affairs view: person pk-1',
        '',
        'profile',
        '  person      UZB FA1234567',
        '  full name   KARIMOV AZIZ',
        '  birth date  1990-01-01',
        '',
        'records',
        'kind  key   state',
        '----  ----  --------------------------------------------------------',
        'visa  V123  visa type: work; valid until: 2021-12-31; status: active',
        '',
        'this read is in the access ledger: 2026-11-29T10:00:00.000Z, purpose "case 2021/17"',
        '',
      ].join('\n'),
    );
  });
});

describe('renderLineage', () => {
  it('is a timeline: each event with its cause and the records it touched', () => {
    const text = renderLineage({
      ministry: 'labour',
      personKey: 'pk-2',
      events: [
        {
          eventId: 'e1',
          type: 'WorkPermitIssued',
          source: 'kz.labour.foreign-labour',
          occurredAt: '2021-02-01T09:00:00Z',
          records: ['permit#P1', 'profile'],
        },
        {
          eventId: 'e2',
          type: 'WorkPermitRevoked',
          source: 'kz.labour.foreign-labour',
          occurredAt: '2021-06-01T09:00:00Z',
          causationId: 'd1',
          records: ['permit#P1'],
        },
      ],
    });
    expect(text.split('\n').slice(0, 5)).toEqual([
      'labour view: lineage of person pk-2, 2 event(s)',
      '',
      'occurredAt            type               source                    eventId  causedBy  records',
      '--------------------  -----------------  ------------------------  -------  --------  ------------------',
      '2021-02-01T09:00:00Z  WorkPermitIssued   kz.labour.foreign-labour  e1                 permit#P1, profile',
    ]);
    expect(text).toContain(
      '2021-06-01T09:00:00Z  WorkPermitRevoked  kz.labour.foreign-labour  e2       d1        permit#P1',
    );
  });
});
