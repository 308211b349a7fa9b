/**
 * A command retried after a lost answer runs once: the command API answers
 * every retry under the caller's idempotency key with the first answer and
 * publishes nothing again (Powertools Idempotency over the local cloud's
 * DynamoDB). Without it, each retry of the simulator's would publish another
 * crossing.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from './cloud-harness.ts';

let env: TestCloud;
beforeAll(async () => {
  env = await startTestCloud();
});
afterAll(() => env.stop());

/** An exit at the border: decided without reading any earlier record, so only idempotency can stop a second one. */
function exit(documentNumber: string) {
  const example = JSON.parse(exampleEntry(latestDefinition('BorderCrossingRecorded')!, TOPOLOGY.busName).Detail).data;
  return {
    command: 'record-crossing',
    input: { ...example, direction: 'exit', visaNumber: undefined, person: { ...example.person, documentNumber } },
  };
}

async function send(body: unknown, headers: Record<string, string> = {}) {
  const response = await signedFetch(`${env.endpoint}/commands/berkut`, {
    method: 'POST',
    body: JSON.stringify(body),
    keys: env.cloud.credentials.agencies['border-service'],
    region: env.cloud.credentials.region,
    headers,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The crossings the exchange log holds for a document (the log keeps every published event once). */
async function crossingsLogged(documentNumber: string): Promise<number> {
  await settled(env);
  const rows = await env.doc().send(
    new ScanCommand({
      TableName: env.cloud.tableName('ExchangeLog'),
      FilterExpression: 'detailType = :t',
      ExpressionAttributeValues: { ':t': 'BorderCrossingRecorded' },
    }),
  );
  return (rows.Items ?? []).filter((row) => JSON.stringify(row).includes(documentNumber)).length;
}

describe('a command retried under the same idempotency key', () => {
  it('gets the first answer and publishes its crossing once', async () => {
    const key = randomUUID();
    const first = await send(exit('IDEM00001'), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    // The answer was "lost": the caller sends the same command again under the same key.
    const retried = await send(exit('IDEM00001'), { 'Idempotency-Key': key });
    expect(retried).toEqual(first);
    expect(await crossingsLogged('IDEM00001')).toBe(1);
  });

  it('keys each command of a batch by its commandId', async () => {
    const batch = {
      ordered: false,
      commands: [
        { ...exit('IDEM00002'), commandId: `a-${randomUUID()}` },
        { ...exit('IDEM00003'), commandId: `b-${randomUUID()}` },
      ],
    };
    const first = await send(batch);
    expect(first.body).toMatchObject({ failedCount: 0 });
    expect(await send(batch)).toEqual(first);
    expect(await crossingsLogged('IDEM00002')).toBe(1);
    expect(await crossingsLogged('IDEM00003')).toBe(1);
  });

  it('refuses another command under a key already used, and a key it cannot store, naming it', async () => {
    const key = randomUUID();
    expect((await send(exit('IDEM00004'), { 'Idempotency-Key': key })).status).toBe(201);
    const reused = await send(exit('IDEM00005'), { 'Idempotency-Key': key });
    expect(reused).toMatchObject({ status: 409, body: { error: { code: 'idempotency-key-reused' } } });
    const bad = await send({ ...exit('IDEM00006'), commandId: 'not a key!' });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-idempotency-key', field: 'commandId' } },
    });
    expect(await crossingsLogged('IDEM00005')).toBe(0);
    expect(await crossingsLogged('IDEM00006')).toBe(0);
  });

  it('runs unkeyed commands as they come', async () => {
    expect((await send(exit('IDEM00007'))).status).toBe(201);
    expect((await send(exit('IDEM00007'))).status).toBe(201);
    expect(await crossingsLogged('IDEM00007')).toBe(2);
  });
});
