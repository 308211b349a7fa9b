/**
 * The dossier as an operator reads it, the sign-in's sentences, and the
 * reference names the console ships: labelled fields, days in words, codes
 * by name, identifiers whole, never a JSON string.
 */
import { describe, expect, it } from 'vitest';
import { type Field, profileFields, recordReference, recordView } from '../../functions/console/dossier.ts';
import { ARTICLE_TITLES } from '../../functions/console/reference/articles.ts';
import { COUNTRY_NAMES } from '../../functions/console/reference/country-names.ts';
import { buildCountryNames } from '../../functions/console/reference/country-names-source.ts';
import { keysProblem, ministryOf } from '../../functions/console/sign-in.ts';
import type { StoredRecord } from '../../functions/projector/plan.ts';
import { toDossier } from '../../functions/query-api/queries.ts';
import { latestDefinition } from '../../schemas/catalog.ts';

const row = (fields: readonly Field[], label: string) => fields.find((f) => f.label === label);
const noJson = (fields: readonly Field[]) => fields.every((f) => !/[{}[\]"]/.test(f.text));

function stored(kind: string, sk: string, state: Record<string, unknown>): StoredRecord {
  return { pk: 'p#key', sk, kind, state, events: [], version: 1 } as unknown as StoredRecord;
}

describe('the dossier', () => {
  const permit = stored('permit', 'permit#WP-23-2021-700000', {
    person: { citizenship: 'CHN', documentNumber: 'EA7000001' },
    permitNumber: 'WP-23-2021-700000',
    kind: 'lea-employer',
    employerBin: '990909400012',
    category: '3',
    region: 'KZ-23',
    occupation: 'Engineer',
    validFrom: '2021-02-01',
    validUntil: '2022-01-31',
    status: 'active',
  });
  const offence = stored('offence', 'offence#AO-2021-0004567', {
    person: { citizenship: 'UZB', documentNumber: 'FA7654321' },
    offenceId: 'AO-2021-0004567',
    article: '517',
    region: 'KZ-75',
    committedOn: '2021-05-20',
    penalty: { kind: 'fine', fineMci: 10 },
  });
  const profile = stored('profile', 'profile', {
    citizenship: 'CHN',
    documentNumber: 'EA7000001',
    holder: { surname: 'WANG', givenNames: 'LEI', birthDate: '1988-04-12', sex: 'M' },
  });
  const dossier = toDossier('key', [profile, permit, offence]);

  it('labels every field of a record and writes its days, region and codes in words', () => {
    const view = recordView(dossier.records.find((r) => r.kind === 'permit')!);
    expect(view.heading).toBe('Work permit');
    expect(view.key).toBe('WP-23-2021-700000');
    expect(row(view.fields, 'Region')).toEqual({ label: 'Region', text: 'Atyrau Region', code: 'KZ-23' });
    expect(row(view.fields, 'Valid from')!.text).toBe('1 February 2021');
    expect(row(view.fields, 'Valid until')!.text).toBe('31 January 2022');
    expect(row(view.fields, 'Kind')!.text).toBe('LEA permit (employer)');
    expect(row(view.fields, 'Category')!.text).toBe('3 — specialists');
    expect(row(view.fields, 'Status')!.text).toBe('Active');
    expect(row(view.fields, 'Employer BIN')).toEqual({ label: 'Employer BIN', text: '990909400012', id: true });
    // The person a record is about is the dossier's subject, and the heading already shows the permit number.
    expect(row(view.fields, 'Person')).toBeUndefined();
    expect(row(view.fields, 'Permit number')).toBeUndefined();
    // What it is, for whom and where, then when, then how it stands — whatever order the store kept.
    expect(view.fields.map((f) => f.label)).toEqual([
      'Kind',
      'Category',
      'Employer BIN',
      'Occupation',
      'Region',
      'Valid from',
      'Valid until',
      'Status',
    ]);
    expect(noJson(view.fields)).toBe(true);
  });

  it('shows an offence by its article title and its penalty in words', () => {
    const view = recordView(dossier.records.find((r) => r.kind === 'offence')!);
    expect(row(view.fields, 'Article')!.text).toBe(
      'Art. 517 — Violation of migration law by a foreigner or stateless person',
    );
    expect(row(view.fields, 'Penalty')!.text).toBe('Fine of 10 MCI');
    expect(row(view.fields, 'Region')).toEqual({ label: 'Region', text: 'Almaty', code: 'KZ-75' });
    expect(noJson(view.fields)).toBe(true);
  });

  it('writes the particulars field by field', () => {
    const fields = profileFields(dossier.profile);
    expect(fields.map((f) => [f.label, f.text])).toEqual([
      ['Surname', 'WANG'],
      ['Given names', 'LEI'],
      ['Date of birth', '12 April 1988'],
      ['Sex', 'Male'],
      ['Citizenship', 'China'],
      ['Document number', 'EA7000001'],
    ]);
    expect(row(fields, 'Citizenship')!.code).toBe('CHN');
  });

  it('shows the fields of every example event readably', () => {
    // Each example, folded the simplest way (its data as a record's state), must come out without JSON.
    for (const type of [
      'VisaIssued',
      'BorderCrossingRecorded',
      'EntryDenied',
      'StayRegistered',
      'DeportationOrdered',
      'ResidencePermitIssued',
      'QandasStatusGranted',
      'ResettlementSubsidyPaid',
      'WorkPatentIssued',
    ]) {
      const example = latestDefinition(type)!.example as Record<string, unknown>;
      const fields = recordView({ kind: 'visa', key: 'x', state: example }).fields;
      expect(noJson(fields), `${type}: ${JSON.stringify(fields)}`).toBe(true);
      expect(
        fields.every((f) => !/^\d{4}-\d{2}-\d{2}/.test(f.text)),
        type,
      ).toBe(true);
    }
  });

  it('names the records lineage lists', () => {
    expect(recordReference('permit#WP-23-2021-700000')).toEqual({ kind: 'Work permit', parts: ['WP-23-2021-700000'] });
    expect(recordReference('crossing#2021-03-10T09:00:00Z#entry')).toEqual({
      kind: 'Border crossing',
      parts: ['10 March 2021, 09:00 UTC', 'Entry'],
    });
  });
});

describe('sign-in sentences', () => {
  it('turns AWS refusals into one plain sentence', () => {
    const sentences = [
      keysProblem({
        status: 403,
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }),
      keysProblem({ status: 403, message: 'The security token included in the request is invalid.' }),
      keysProblem({
        status: 403,
        code: 'InvalidSignatureException',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
          'Access Key and signing method.',
      }),
      keysProblem({
        status: 403,
        code: 'InvalidSignatureException',
        message: 'Signature expired: the request time is more than 15 minutes from the server time',
      }),
      keysProblem({
        status: 403,
        code: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
      }),
      keysProblem({ status: 401, code: 'MissingAuthenticationTokenException' }),
      keysProblem({
        status: 403,
        code: 'AccessDeniedException',
        message: 'User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: execute-api:Invoke',
      }),
      keysProblem({ status: 0, message: 'Failed to fetch' }),
    ];
    expect(sentences[0]).toBe(
      'This access key ID is not known here; copy it again from your ministry’s operator keys.',
    );
    expect(sentences[1]).toBe(sentences[0]);
    expect(sentences[2]).toBe('The secret access key does not belong to this access key ID; copy both again.');
    expect(sentences[3]).toMatch(/clock/);
    expect(sentences[4]).toMatch(/temporary credentials have expired/);
    expect(sentences[6]).toMatch(/operator keys/);
    for (const sentence of sentences) {
      expect(sentence).not.toMatch(/signature we calculated|Canonical|arn:aws|Exception/);
      expect(sentence.match(/[.!?](\s|$)/g) ?? []).toHaveLength(1);
    }
  });

  it('lets only operator keys in, and tells agency keys where the operator keys are', () => {
    expect(ministryOf({ kind: 'operator', ministry: 'labour' })).toEqual({ ministry: 'labour' });
    const agency = ministryOf({ kind: 'agency', ministry: 'labour' });
    expect('problem' in agency && agency.problem).toMatch(/agency keys.*operator keys/);
    const unknown = ministryOf({ kind: 'unknown', arn: 'arn:aws:iam::000000000000:root' });
    expect('problem' in unknown && unknown.problem).toMatch(/operator keys/);
  });
});

describe('reference names shipped with the console', () => {
  it(
    'the country names are those i18n-iso-countries gives (regenerate with npx tsx ' +
      'functions/console/reference/country-names-source.ts)',
    () => {
      expect(COUNTRY_NAMES).toEqual(buildCountryNames());
    },
  );

  it('names every country once, by a short name', () => {
    const names = Object.values(COUNTRY_NAMES);
    expect(new Set(names).size).toBe(names.length);
    // No inverted names ("Moldova, Republic of"); the one comma left is part of the name.
    expect(names.filter((n) => n.includes(','))).toEqual(['Bonaire, Sint Eustatius and Saba']);
    expect(COUNTRY_NAMES).toMatchObject({
      GBR: 'United Kingdom',
      RUS: 'Russia',
      KOR: 'South Korea',
      UZB: 'Uzbekistan',
      TUR: 'Turkey',
      COD: 'DR Congo',
    });
  });

  it('titles the articles the simulator and the contract use', () => {
    for (const article of ['496', '517', '518', '519']) expect(ARTICLE_TITLES[article], article).toBeTruthy();
  });
});
