import { describe, expect, it } from 'vitest';
import * as berkut from '../../functions/systems/berkut/commands.ts';
import type { Refusal } from '../../functions/systems/command.ts';
import * as labour from '../../functions/systems/foreign-labour/commands.ts';
import * as qandas from '../../functions/systems/qandas/commands.ts';
import { findReactions } from '../../functions/systems/reactions.ts';
import { events as schemas } from '../../schemas/index.ts';
import { busEventsOf, MemoryRegistry, SECRET } from '../fixtures/memory-registry.ts';

const worker = { citizenship: 'CHN', documentNumber: 'EA1234567' };
const uzbek = { citizenship: 'UZB', documentNumber: 'FA7654321' };
const holder = { surname: 'WANG', givenNames: 'LEI', birthDate: '1988-04-12', sex: 'M' as const };

async function refusal(promise: Promise<unknown>): Promise<Pick<Refusal, 'code' | 'status' | 'message'>> {
  try {
    await promise;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected the command to be refused');
}

describe('Berkut rules', () => {
  const visa = {
    person: worker,
    holder,
    visaNumber: 'KZ0000001',
    visaType: 'work',
    entries: 'multiple',
    validFrom: '2021-02-01',
    validUntil: '2021-12-31',
    issuedIn: 'CHN',
  };
  const crossing = (at: string, visaNumber?: string) => ({
    person: worker,
    direction: 'entry',
    checkpoint: 'KZ-ALA-AIR',
    crossedAt: at,
    ...(visaNumber ? { visaNumber } : {}),
  });

  it('lets a visa holder enter while the visa is valid', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueVisa, visa);
    const events = await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'));
    expect(events.map((e) => e.definition.detailType)).toEqual(['BorderCrossingRecorded']);
  });

  it('refuses an entry on a visa that is not valid that day', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueVisa, visa);
    expect(
      await refusal(registry.run(berkut.recordCrossing, crossing('2022-01-05T06:00:00Z', 'KZ0000001'))),
    ).toMatchObject({
      code: 'visa-not-valid',
      message: 'visa KZ0000001 is not valid on 2022-01-05',
    });
  });

  it('refuses a visa-required national with no visa, but lets a visa-free one in', async () => {
    const registry = new MemoryRegistry('berkut');
    expect(await refusal(registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z')))).toMatchObject({
      code: 'visa-required',
    });
    expect(
      await registry.run(berkut.recordCrossing, { ...crossing('2021-02-03T06:00:00Z'), person: uzbek }),
    ).toHaveLength(1);
  });

  it('brings an entry ban with a deportation, refusing entry, visas and stays until it ends', async () => {
    const registry = new MemoryRegistry('berkut');
    const [deportation] = await registry.run(berkut.orderDeportation, {
      person: uzbek,
      orderNumber: 'DO-1',
      orderedOn: '2021-05-28',
      region: 'KZ-75',
      basis: 'court-expulsion',
    });
    expect(deportation!.data).toMatchObject({ entryBanUntil: '2026-05-28' });
    expect(
      await refusal(registry.run(berkut.recordCrossing, { ...crossing('2021-07-01T06:00:00Z'), person: uzbek })),
    ).toMatchObject({ code: 'entry-ban' });
    expect(
      await refusal(registry.run(berkut.issueVisa, { ...visa, person: uzbek, validFrom: '2021-08-01' })),
    ).toMatchObject({
      code: 'entry-ban',
      message: expect.stringMatching(/until 2026-05-28 \(deportation order DO-1\)/),
    });
    expect(
      await refusal(
        registry.run(berkut.registerStay, {
          person: uzbek,
          registrationNumber: 'R-0001',
          region: 'KZ-75',
          validFrom: '2021-07-01',
          validUntil: '2021-08-01',
          purpose: 'work',
        }),
      ),
    ).toMatchObject({ code: 'entry-ban' });
    // Exits are always allowed.
    expect(
      await registry.run(berkut.recordCrossing, {
        ...crossing('2021-05-30T06:00:00Z'),
        person: uzbek,
        direction: 'exit',
      }),
    ).toHaveLength(1);
  });

  it('revokes a visa once, and only one that exists', async () => {
    const registry = new MemoryRegistry('berkut');
    expect(
      await refusal(
        registry.run(berkut.revokeVisa, {
          person: worker,
          visaNumber: 'KZ0000001',
          revokedOn: '2021-03-01',
          reason: 'security',
        }),
      ),
    ).toMatchObject({ code: 'visa-not-found', status: 404 });
    await registry.run(berkut.issueVisa, visa, '2021-01-20T09:00:00Z');
    await registry.run(
      berkut.revokeVisa,
      { person: worker, visaNumber: 'KZ0000001', revokedOn: '2021-03-01', reason: 'security' },
      '2021-03-01T09:00:00Z',
    );
    expect(
      await refusal(
        registry.run(berkut.revokeVisa, {
          person: worker,
          visaNumber: 'KZ0000001',
          revokedOn: '2021-03-02',
          reason: 'security',
        }),
      ),
    ).toMatchObject({ code: 'visa-already-revoked' });
  });

  it('grants citizenship only with residence, once, and never to a deportee', async () => {
    const registry = new MemoryRegistry('berkut');
    const grant = {
      person: uzbek,
      iin: '900101300017',
      grantedOn: '2021-09-01',
      procedure: 'general',
      decreeNumber: 'D-1',
    };
    expect(await refusal(registry.run(berkut.grantCitizenship, grant))).toMatchObject({
      code: 'no-residence',
      status: 422,
    });
    await registry.run(berkut.issueResidencePermit, {
      person: uzbek,
      permitNumber: 'RP-1',
      kind: 'permanent',
      region: 'KZ-19',
      validFrom: '2021-04-01',
      basis: 'family',
    });
    await registry.run(berkut.grantCitizenship, grant);
    expect(await refusal(registry.run(berkut.grantCitizenship, grant))).toMatchObject({ code: 'already-citizen' });
    expect(
      await refusal(
        registry.run(berkut.orderDeportation, {
          person: uzbek,
          orderNumber: 'DO-9',
          orderedOn: '2021-10-01',
          region: 'KZ-75',
          basis: 'court-expulsion',
        }),
      ),
    ).toMatchObject({ code: 'citizen' });
  });

  it('finds a citizen by IIN alone after citizenship (alias)', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueResidencePermit, {
      person: uzbek,
      permitNumber: 'RP-1',
      kind: 'permanent',
      region: 'KZ-19',
      validFrom: '2021-04-01',
      basis: 'family',
    });
    await registry.run(berkut.grantCitizenship, {
      person: uzbek,
      iin: '900101300017',
      grantedOn: '2021-09-01',
      procedure: 'general',
      decreeNumber: 'D-1',
    });
    const records = await registry.personRecords({ iin: '900101300017' });
    expect(records.map((r) => r.kind).sort()).toEqual(['citizenship', 'profile', 'residence']);
  });

  it('raises OverstayDetected for a stay that ended without an exit, once', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueVisa, { ...visa, validUntil: '2021-03-01' });
    await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
    const [overstay] = await registry.run(
      berkut.runOverstayCheck,
      { asOf: '2021-03-31', since: '2021-01-01' },
      '2021-03-31T23:00:00Z',
    );
    expect(overstay!.data).toEqual({
      person: worker,
      stayValidUntil: '2021-03-01',
      detectedOn: '2021-03-31',
      daysOverstayed: 30,
      basis: 'visa',
    });
    expect(await registry.run(berkut.runOverstayCheck, { asOf: '2021-06-30', since: '2021-01-01' })).toEqual([]);
  });

  it('finds, day by day, the stays that ended the day before (from the index of when stays end)', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueVisa, { ...visa, validUntil: '2021-03-01' });
    await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
    expect(await registry.run(berkut.runOverstayCheck, { asOf: '2021-03-01' })).toEqual([]);
    expect(
      (await registry.run(berkut.runOverstayCheck, { asOf: '2021-03-02' })).map((e) => e.definition.detailType),
    ).toEqual(['OverstayDetected']);
    expect(await registry.run(berkut.runOverstayCheck, { asOf: '2021-03-03' })).toEqual([]);
  });

  it('raises nothing for someone who left', async () => {
    const registry = new MemoryRegistry('berkut');
    await registry.run(berkut.issueVisa, { ...visa, validUntil: '2021-03-01' });
    await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
    await registry.run(
      berkut.recordCrossing,
      { ...crossing('2021-02-20T06:00:00Z'), direction: 'exit' },
      '2021-02-20T06:00:00Z',
    );
    expect(await registry.run(berkut.runOverstayCheck, { asOf: '2021-03-31', since: '2021-01-01' })).toEqual([]);
  });

  describe('the overstay rule, one person at a time (detectOverstay)', () => {
    const records = async (registry: MemoryRegistry, person = worker) => registry.personRecords(person);

    it('takes the latest ground to stay: a registered stay that outlasts the visa keeps the person legal', async () => {
      const registry = new MemoryRegistry('berkut');
      await registry.run(berkut.issueVisa, { ...visa, validUntil: '2021-03-01' });
      await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
      await registry.run(berkut.registerStay, {
        person: worker,
        registrationNumber: 'R-0001',
        region: 'KZ-75',
        validFrom: '2021-02-05',
        validUntil: '2021-05-31',
        purpose: 'work',
      });
      expect(berkut.detectOverstay(await records(registry), '2021-03-31')).toBeUndefined();
      expect(berkut.detectOverstay(await records(registry), '2021-06-30')).toMatchObject({
        stayValidUntil: '2021-05-31',
        basis: 'stay-registration',
        daysOverstayed: 30,
      });
    });

    it('ends a revoked visa on its revocation: a visitor who stays on is found', async () => {
      const registry = new MemoryRegistry('berkut');
      await registry.run(berkut.issueVisa, visa, '2021-01-20T09:00:00Z');
      await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
      await registry.run(
        berkut.revokeVisa,
        { person: worker, visaNumber: 'KZ0000001', revokedOn: '2021-03-10', reason: 'security' },
        '2021-03-10T09:00:00Z',
      );
      expect(berkut.detectOverstay(await records(registry), '2021-03-31')).toEqual({
        person: worker,
        stayValidUntil: '2021-03-10',
        detectedOn: '2021-03-31',
        daysOverstayed: 21,
        basis: 'visa',
      });
    });

    it('holds a visa-free national with neither visa nor registration to the visa-free period', async () => {
      const registry = new MemoryRegistry('berkut');
      await registry.run(
        berkut.recordCrossing,
        { ...crossing('2021-01-10T06:00:00Z'), person: uzbek },
        '2021-01-10T06:00:00Z',
      );
      expect(berkut.detectOverstay(await records(registry, uzbek), '2021-03-31')).toBeUndefined();
      expect(berkut.detectOverstay(await records(registry, uzbek), '2021-06-30')).toMatchObject({
        stayValidUntil: '2021-04-10',
        basis: 'visa-free-limit',
        daysOverstayed: 81,
      });
    });

    it('reports a ground once, however often the check runs, and again only for a new one', async () => {
      const registry = new MemoryRegistry('berkut');
      await registry.run(berkut.issueVisa, { ...visa, validUntil: '2021-03-01' });
      await registry.run(berkut.recordCrossing, crossing('2021-02-03T06:00:00Z', 'KZ0000001'), '2021-02-03T06:00:00Z');
      expect(
        await registry.run(
          berkut.runOverstayCheck,
          { asOf: '2021-03-31', since: '2021-01-01' },
          '2021-03-31T23:00:00Z',
        ),
      ).toHaveLength(1);
      expect(
        await registry.run(
          berkut.runOverstayCheck,
          { asOf: '2021-06-30', since: '2021-01-01' },
          '2021-06-30T23:00:00Z',
        ),
      ).toEqual([]);
      await registry.run(berkut.registerStay, {
        person: worker,
        registrationNumber: 'R-0002',
        region: 'KZ-75',
        validFrom: '2021-07-01',
        validUntil: '2021-08-31',
        purpose: 'work',
      });
      const [again] = await registry.run(
        berkut.runOverstayCheck,
        { asOf: '2021-09-30', since: '2021-06-30' },
        '2021-09-30T23:00:00Z',
      );
      expect(again!.data).toMatchObject({ stayValidUntil: '2021-08-31', basis: 'stay-registration' });
    });
  });
});

describe('patents (Interior, until 2022)', () => {
  const patent = (extra: Record<string, unknown> = {}) => ({
    person: uzbek,
    holder: { surname: 'ERGASHEVA', givenNames: 'DILNOZA', birthDate: '1991-03-08', sex: 'F' },
    patentNumber: 'PT-75-2021-000001',
    region: 'KZ-75',
    validFrom: '2021-01-31',
    paidMonths: 3,
    ...extra,
  });

  it(
    'runs for the months paid (to the corresponding day, or the last of a shorter month), ' + 'at 2 MCI a month',
    async () => {
      const registry = new MemoryRegistry('berkut');
      const [issued] = await registry.run(berkut.issuePatent, patent());
      expect(issued!.definition.detailType).toBe('WorkPatentIssued');
      expect(issued!.data).toMatchObject({
        validFrom: '2021-01-31',
        validUntil: '2021-04-30',
        paidMonths: 3,
        feeMci: 6,
      });
      const [year] = await registry.run(
        berkut.issuePatent,
        patent({ patentNumber: 'PT-75-2021-000002', validFrom: '2021-03-01', paidMonths: 12 }),
      );
      expect(year!.data).toMatchObject({ validUntil: '2022-03-01', feeMci: 24 });
    },
  );

  it('is for visa-free foreigners outside the EAEU, adults, before 2022, not under an entry ban', async () => {
    const registry = new MemoryRegistry('berkut');
    expect(
      await refusal(
        registry.run(berkut.issuePatent, patent({ person: { citizenship: 'KGZ', documentNumber: 'AC1234567' } })),
      ),
    ).toMatchObject({ code: 'eaeu-citizen', status: 422 });
    expect(await refusal(registry.run(berkut.issuePatent, patent({ person: worker })))).toMatchObject({
      code: 'visa-national',
    });
    expect(await refusal(registry.run(berkut.issuePatent, patent({ validFrom: '2022-01-01' })))).toMatchObject({
      code: 'patents-ended',
      message: expect.stringMatching(/Labour permit/),
    });
    expect(
      await refusal(
        registry.run(berkut.issuePatent, patent({ holder: { ...patent().holder, birthDate: '2003-05-01' } })),
      ),
    ).toMatchObject({ code: 'under-age' });
    await registry.run(berkut.orderDeportation, {
      person: uzbek,
      orderNumber: 'DO-7',
      orderedOn: '2021-01-10',
      region: 'KZ-75',
      basis: 'court-expulsion',
    });
    expect(await refusal(registry.run(berkut.issuePatent, patent()))).toMatchObject({ code: 'entry-ban' });
  });

  it('the contract refuses a patent longer than the months paid, or than 12 months', () => {
    const data = { ...patent(), validUntil: '2021-05-01', feeMci: 6 };
    expect(schemas.WorkPatentIssued.data.safeParse({ ...data, validUntil: '2021-04-30' }).success).toBe(true);
    expect(schemas.WorkPatentIssued.data.safeParse(data).success).toBe(false);
    expect(schemas.WorkPatentIssued.data.safeParse({ ...data, paidMonths: 13, validUntil: '2022-01-31' }).success).toBe(
      false,
    );
  });
});

describe('Foreign Labour Force rules', () => {
  const permit = (n: number, extra: Record<string, unknown> = {}) => ({
    person: { citizenship: 'TUR', documentNumber: `U${String(n).padStart(7, '0')}` },
    permitNumber: `WP-23-2021-${String(n).padStart(6, '0')}`,
    kind: 'lea-employer',
    employerBin: '990909400012',
    category: '3',
    region: 'KZ-23',
    occupation: 'Welder',
    validFrom: '2021-03-01',
    validUntil: '2022-02-28',
    ...extra,
  });

  it('needs a quota for the region and category, and stops when it is used up', async () => {
    const registry = new MemoryRegistry('foreign-labour');
    expect(await refusal(registry.run(labour.issueWorkPermit, permit(1)))).toMatchObject({
      code: 'no-quota',
      message: 'no labour quota is set for KZ-23, category 3, 2021',
    });
    await registry.run(labour.setLabourQuota, { year: 2021, region: 'KZ-23', category: '3', quota: 2 });
    await registry.run(labour.issueWorkPermit, permit(1));
    await registry.run(labour.issueWorkPermit, permit(2));
    expect(await refusal(registry.run(labour.issueWorkPermit, permit(3)))).toMatchObject({
      code: 'quota-exhausted',
      message: 'the 2021 quota of 2 for KZ-23, category 3 is exhausted',
    });
  });

  it(
    'needs no quota for a permit for work for an individual, and no employer (from 2022; before, it was an ' +
      'Interior patent)',
    async () => {
      const registry = new MemoryRegistry('foreign-labour');
      const { employerBin: _bin, ...individual } = permit(4, {
        kind: 'individual',
        category: '4',
        validFrom: '2022-01-10',
        validUntil: '2022-07-09',
      });
      expect(await registry.run(labour.issueWorkPermit, individual)).toHaveLength(1);
      expect(
        await refusal(
          registry.run(labour.issueWorkPermit, {
            ...individual,
            permitNumber: 'WP-23-2021-000044',
            validFrom: '2021-12-01',
          }),
        ),
      ).toMatchObject({ code: 'patent-period', status: 422 });
    },
  );

  describe('ends permits on other agencies\u2019 acts (the reaction)', () => {
    const person = permit(1).person;
    const onVisa = (n: number, visaNumber?: string) =>
      permit(n, {
        person,
        permitNumber: `WP-23-2021-${String(n).padStart(6, '0')}`,
        ...(visaNumber ? { visaNumber } : {}),
      });
    const revocations = async (
      registry: MemoryRegistry,
      definition: typeof schemas.VisaRevoked | typeof schemas.DeportationOrdered,
      data: unknown,
    ) => {
      const [cause] = busEventsOf([{ definition, data }], '2021-09-16T09:00:00Z');
      const entries = await findReactions('foreign-labour').react(cause!.bus, registry.reader(), {
        secret: SECRET,
        busName: 'bus',
      });
      return entries.map((e) => JSON.parse(e.Detail).data as { permitNumber: string; reason: string });
    };
    const twoPermits = async () => {
      const registry = new MemoryRegistry('foreign-labour');
      await registry.run(labour.setLabourQuota, { year: 2021, region: 'KZ-23', category: '3', quota: 5 });
      await registry.run(labour.issueWorkPermit, onVisa(1, 'KZ0000001'));
      await registry.run(labour.issueWorkPermit, onVisa(2, 'KZ0000002'));
      await registry.run(labour.issueWorkPermit, onVisa(3));
      return registry;
    };

    it('a revoked visa revokes only the permits issued on that visa', async () => {
      const revoked = await revocations(await twoPermits(), schemas.VisaRevoked, {
        person,
        visaNumber: 'KZ0000002',
        revokedOn: '2021-09-16',
        reason: 'purpose-changed',
      });
      expect(revoked).toEqual([
        { person, permitNumber: 'WP-23-2021-000002', revokedOn: '2021-09-16', reason: 'visa-revoked' },
      ]);
    });

    it('a deportation revokes every active permit', async () => {
      const revoked = await revocations(await twoPermits(), schemas.DeportationOrdered, {
        person,
        orderNumber: 'DO-1',
        orderedOn: '2021-09-16',
        region: 'KZ-23',
        basis: 'court-expulsion',
        entryBanUntil: '2026-09-16',
      });
      expect(revoked.map((r) => r.permitNumber).sort()).toEqual([
        'WP-23-2021-000001',
        'WP-23-2021-000002',
        'WP-23-2021-000003',
      ]);
    });
  });

  it('refuses an LEA permit without a valid employer BIN (contract)', () => {
    expect(labour.issueWorkPermit.input.safeParse({ ...permit(5), employerBin: '990909400013' }).success).toBe(false);
  });

  it('extends only an active permit, and only forward', async () => {
    const registry = new MemoryRegistry('foreign-labour');
    await registry.run(labour.setLabourQuota, { year: 2021, region: 'KZ-23', category: '3', quota: 5 });
    await registry.run(labour.issueWorkPermit, permit(1));
    const base = { person: permit(1).person, permitNumber: permit(1).permitNumber, extendedOn: '2022-01-10' };
    expect(await refusal(registry.run(labour.extendWorkPermit, { ...base, validUntil: '2022-01-31' }))).toMatchObject({
      code: 'not-an-extension',
      status: 422,
    });
    expect(await registry.run(labour.extendWorkPermit, { ...base, validUntil: '2023-02-28' })).toHaveLength(1);
    await registry.run(
      labour.revokeWorkPermit,
      { person: base.person, permitNumber: base.permitNumber, revokedOn: '2022-02-01', reason: 'violation' },
      '2022-02-01T09:00:00Z',
    );
    expect(await refusal(registry.run(labour.extendWorkPermit, { ...base, validUntil: '2024-02-28' }))).toMatchObject({
      code: 'permit-not-active',
    });
  });
});

describe('qandas rules', () => {
  const grant = (n: number, region: string) => ({
    person: { citizenship: 'UZB', documentNumber: `Q${String(n).padStart(7, '0')}` },
    holder: { ...holder, surname: 'NURMATOV' },
    qandasId: `Q-2021-${String(n).padStart(6, '0')}`,
    grantedOn: '2021-03-30',
    originCountry: 'UZB',
    settlementRegion: region,
    familyMembers: 4,
  });

  it(
    'counts people against the quota: a family takes its places at once, or settles outside the quota when it does ' +
      'not fit',
    async () => {
      const registry = new MemoryRegistry('qandas');
      await registry.run(qandas.setQandasQuota, { year: 2021, region: 'KZ-59', quota: 5 });
      const family = async (n: number, members: number) => {
        const [granted] = await registry.run(qandas.grantQandasStatus, {
          ...grant(n, 'KZ-59'),
          familyMembers: members,
        });
        return (granted!.data as { inQuota: boolean }).inQuota;
      };
      expect([await family(1, 4), await family(2, 2), await family(3, 1), await family(4, 1)]).toEqual([
        true,
        false,
        true,
        false,
      ]);
      expect(registry.item('counter', qandas.qandasQuotaCounter(2021, 'KZ-59'))?.free).toBe(0);
    },
  );

  it('counts a grant against the quota only in a quota region with room left', async () => {
    const registry = new MemoryRegistry('qandas');
    await registry.run(qandas.setQandasQuota, { year: 2021, region: 'KZ-59', quota: 6 });
    const inQuota = await registry.run(qandas.grantQandasStatus, grant(1, 'KZ-59'));
    const tooBig = await registry.run(qandas.grantQandasStatus, grant(2, 'KZ-59'));
    const fits = await registry.run(qandas.grantQandasStatus, { ...grant(3, 'KZ-59'), familyMembers: 2 });
    const full = await registry.run(qandas.grantQandasStatus, { ...grant(4, 'KZ-59'), familyMembers: 1 });
    const elsewhere = await registry.run(qandas.grantQandasStatus, grant(5, 'KZ-19'));
    expect([inQuota, tooBig, fits, full, elsewhere].map(([e]) => (e!.data as { inQuota: boolean }).inQuota)).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('sets quotas only for the five quota regions', async () => {
    const registry = new MemoryRegistry('qandas');
    expect(
      await refusal(registry.run(qandas.setQandasQuota, { year: 2021, region: 'KZ-75', quota: 10 })),
    ).toMatchObject({ code: 'not-a-quota-region', status: 422 });
  });

  it('pays relocation once at 35 MCI per family member, at that year\u2019s MCI', async () => {
    const registry = new MemoryRegistry('qandas');
    await registry.run(qandas.setQandasQuota, { year: 2021, region: 'KZ-59', quota: 4 });
    await registry.run(qandas.grantQandasStatus, grant(1, 'KZ-59'));
    const pay = {
      person: grant(1, 'KZ-59').person,
      qandasId: 'Q-2021-000001',
      kind: 'relocation',
      paidOn: '2021-04-06',
    };
    const [paid] = await registry.run(qandas.paySubsidy, pay);
    // The seed paper: "one-time payment of 35 MCI to each family member"; the 2021 MCI was 2,917 tenge (budget law).
    // A family of 4: 35 × 4 = 140 MCI; 140 × 2,917 = 408,380 tenge.
    expect(paid!.data).toMatchObject({ mciUnits: 140, mciYear: 2021, amountKzt: 408_380, familyMembers: 4 });
    expect(await refusal(registry.run(qandas.paySubsidy, pay))).toMatchObject({ code: 'relocation-already-paid' });
  });

  it('pays rent of 15-30 MCI a month for a year, once a month, and nothing outside the quota', async () => {
    const registry = new MemoryRegistry('qandas');
    await registry.run(qandas.setQandasQuota, { year: 2021, region: 'KZ-59', quota: 4 });
    await registry.run(qandas.grantQandasStatus, grant(1, 'KZ-59'));
    await registry.run(qandas.grantQandasStatus, grant(2, 'KZ-19'));
    const rent = (period: string, rentMci = 20) => ({
      person: grant(1, 'KZ-59').person,
      qandasId: 'Q-2021-000001',
      kind: 'rent',
      period,
      paidOn: `${period}-05`,
      rentMci,
    });
    const [paid] = await registry.run(qandas.paySubsidy, rent('2021-04'));
    // 20 MCI × 2,917 tenge (the 2021 MCI) = 58,340 tenge, for April.
    expect(paid!.data).toMatchObject({ mciUnits: 20, mciYear: 2021, amountKzt: 58_340, period: '2021-04' });
    expect(await refusal(registry.run(qandas.paySubsidy, rent('2021-04')))).toMatchObject({
      code: 'rent-already-paid',
    });
    // December's rent paid in January: the period stays the month paid for, the MCI is the year it is paid in
    // (2022: 3,063 tenge), so 25 × 3,063 = 76,575 tenge.
    const [late] = await registry.run(qandas.paySubsidy, { ...rent('2021-12', 25), paidOn: '2022-01-10' });
    expect(late!.data).toMatchObject({ mciUnits: 25, mciYear: 2022, amountKzt: 76_575, period: '2021-12' });
    expect(await refusal(registry.run(qandas.paySubsidy, rent('2022-03')))).toMatchObject({ code: 'rent-period-over' });
    expect(qandas.paySubsidy.input.safeParse(rent('2021-05', 31)).success).toBe(false);
    expect(
      await refusal(
        registry.run(qandas.paySubsidy, {
          ...rent('2021-05'),
          person: grant(2, 'KZ-19').person,
          qandasId: 'Q-2021-000002',
        }),
      ),
    ).toMatchObject({ code: 'not-in-quota' });
  });

  it('refuses a second active status for the same person', async () => {
    const registry = new MemoryRegistry('qandas');
    await registry.run(qandas.grantQandasStatus, grant(1, 'KZ-19'));
    expect(
      await refusal(registry.run(qandas.grantQandasStatus, { ...grant(1, 'KZ-19'), qandasId: 'Q-2021-000099' })),
    ).toMatchObject({ code: 'already-qandas' });
  });
});
