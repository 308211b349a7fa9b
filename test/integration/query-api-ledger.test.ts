/**
 * The access ledger through the query API: an operator sees only its own
 * ministry's reads of a person, reading them needs a purpose and is itself
 * recorded; a purpose made of invisible characters is no purpose.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { Ministry } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { newMeta, toEntry } from '../../schemas/entries.ts';
import { mxReachable, startTarget, type TestTarget } from './target.ts';

let env: TestTarget;
// A person of this run's own, so a shared remote cloud's earlier reads of someone else do not show.
const person = { citizenship: 'UZB', documentNumber: `FA${String(Date.now() % 10_000_000).padStart(7, '0')}` };
const who = `citizenship=${person.citizenship}&document=${person.documentNumber}`;

beforeAll(async () => {
  env = await startTarget();
  const definition = latestDefinition('AdministrativeOffenceRecorded')!;
  const data = definition.data.parse({
    person,
    offenceId: 'AO-L-000017',
    article: '517',
    region: 'KZ-75',
    committedOn: '2021-03-01',
    penalty: { kind: 'fine', fineMci: 10 },
  });
  const entry = toEntry(
    definition,
    { meta: newMeta(definition, { occurredAt: '2021-03-01T09:00:00Z' }), data } as never,
    env.busName,
  );
  expect((await env.events('interior').send(new PutEventsCommand({ Entries: [entry] }))).FailedEntryCount).toBe(0);
  await env.settle();
});
afterAll(() => env?.stop());

interface Access {
  readonly ministry: string;
  readonly operator: string;
  readonly purpose: string;
  readonly what: string;
}

async function read(
  ministry: Ministry,
  resource: string,
  query: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await signedFetch(`${env.api}/api/views/${ministry}/${resource}?${query}`, {
    keys: env.credentials.operators[ministry],
    region: env.credentials.region,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function ledger(): Promise<Access[]> {
  return JSON.parse(
    (await env.mx('ledger', '--citizenship', person.citizenship, '--document', person.documentNumber, '--json')).stdout,
  ) as Access[];
}

// Remote without a data dir: skipped, `mx ledger` (the platform's view of every read) needs the local cloud's data dir.
describe.skipIf(!mxReachable)('GET /api/views/<ministry>/accesses', () => {
  it('needs a purpose, shows only the ministry\u2019s own reads, and is itself recorded', async () => {
    expect(
      (await read('interior', 'person', `${who}&purpose=${encodeURIComponent('offence review AO-L-000017')}`)).status,
    ).toBe(200);

    // Labour holds nothing on this person; Interior's read (its operator and purpose) is not Labour's to see.
    const withoutPurpose = await read('labour', 'accesses', who);
    expect(withoutPurpose).toMatchObject({
      status: 400,
      body: { error: { code: 'bad-parameter', parameter: 'purpose' } },
    });

    const labour = await read('labour', 'accesses', `${who}&purpose=${encodeURIComponent('permit check 2021/17')}`);
    expect(labour.status).toBe(200);
    const labourAccesses = labour.body.accesses as Access[];
    expect(labourAccesses.map((a) => [a.ministry, a.what, a.purpose])).toEqual([
      ['labour', 'accesses', 'permit check 2021/17'],
    ]);
    expect(JSON.stringify(labour.body)).not.toMatch(/interior|offence review/);

    const interior = await read(
      'interior',
      'accesses',
      `${who}&purpose=${encodeURIComponent('who looked at AO-L-000017')}`,
    );
    expect((interior.body.accesses as Access[]).map((a) => [a.ministry, a.what, a.purpose])).toEqual([
      ['interior', 'person', 'offence review AO-L-000017'],
      ['interior', 'accesses', 'who looked at AO-L-000017'],
    ]);

    // The platform's ledger (mx ledger) holds every read, the reads of reads included.
    expect((await ledger()).map((a) => [a.ministry, a.what, a.purpose])).toEqual([
      ['interior', 'person', 'offence review AO-L-000017'],
      ['labour', 'accesses', 'permit check 2021/17'],
      ['interior', 'accesses', 'who looked at AO-L-000017'],
    ]);
  });
});

describe.skipIf(!mxReachable)('a purpose made of nothing', () => {
  const empty: [string, string][] = [
    ['zero-width spaces', '\u200b'.repeat(10)],
    ['Hangul fillers', '\u3164\u115f\u1160\uffa0\u3164\u3164'],
    ['braille blanks', '\u2800'.repeat(8)],
    ['NUL characters around four letters', '\u0000case\u0000'],
    ['a right-to-left override', '\u202ecase 2021'],
  ];
  it.each(empty)('%s is refused with 400 naming purpose, and nothing is read or recorded', async (_, purpose) => {
    const before = (await ledger()).length;
    for (const resource of ['person', 'lineage', 'accesses']) {
      const answer = await read('interior', resource, `${who}&purpose=${encodeURIComponent(purpose)}`);
      expect(answer).toMatchObject({
        status: 400,
        body: { error: { code: 'bad-parameter', parameter: 'purpose', message: expect.stringMatching(/^purpose: /) } },
      });
      expect(answer.body).not.toHaveProperty('records');
    }
    expect(await ledger()).toHaveLength(before);
  });
});
