/**
 * A signature covers the body: a request captured on the wire and replayed
 * within the 15-minute window with another body of the same length (another
 * person, another visa) is refused, whether it was signed by the JS SDK
 * (which signs x-amz-content-sha256) or by signedFetch (the command APIs).
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logKey } from '../../functions/exchange-log/log-entry.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { startTarget, type TestTarget } from './target.ts';

let env: TestTarget;
beforeAll(async () => {
  env = await startTarget();
});
afterAll(() => env.stop());
afterEach(() => vi.restoreAllMocks());

interface Captured {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Swaps one substring for another of the same length, so Content-Length and every signed header stay valid. */
function forge(body: string, from: string, to: string): string {
  expect(to).toHaveLength(from.length);
  expect(body).toContain(from);
  const forged = body.replace(from, to);
  expect(Buffer.byteLength(forged)).toBe(Buffer.byteLength(body));
  return forged;
}

const replay = (captured: Captured, body: string) =>
  fetch(`${env.endpoint!}${captured.path}`, { method: 'POST', headers: captured.headers, body });
/** The log row of a visa the MFA published (the log is keyed by source and event id). */
const logged = (eventId: string) =>
  env
    .doc()
    .send(
      new GetCommand({
        TableName: env.tableName('ExchangeLog'),
        Key: { pk: logKey('kz.foreign-affairs.berkut', eventId) },
      }),
    )
    .then((out) => out.Item);

describe('a captured PutEvents replayed with another body', () => {
  it('is refused, and the forged event never reaches the log, while the genuine replay is accepted', async () => {
    // Capture exactly what the SDK puts on the wire.
    const client = env.events('foreign-affairs');
    let captured: Captured | undefined;
    // Deserialize is the innermost step: its middleware sees the request after the signer ran.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path: string; headers: Record<string, string>; body: string | Uint8Array };
        captured = {
          path: request.path,
          headers: { ...request.headers },
          body: typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
        };
        return next(args);
      },
      { step: 'deserialize', name: 'captureSignedRequest' },
    );
    const entry = exampleEntry(latestDefinition('VisaIssued')!, env.busName);
    expect((await client.send(new PutEventsCommand({ Entries: [entry] }))).FailedEntryCount).toBe(0);
    expect(captured!.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);

    const eventId = JSON.parse(entry.Detail).meta.eventId as string;
    const forgedId = `${eventId.slice(0, -4)}${eventId.endsWith('ffff') ? 'eeee' : 'ffff'}`;
    const forged = forge(forge(captured!.body, eventId, forgedId), 'EA1234567', 'EA7654321');
    const refused = await replay(captured!, forged);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      __type: 'InvalidSignatureException',
      message: 'x-amz-content-sha256 does not match the SHA-256 of the body received',
    });

    // Without the (signed) hash header the forged body fails the signature itself.
    const { 'x-amz-content-sha256': _hash, ...withoutHash } = captured!.headers;
    const stripped = await fetch(`${env.endpoint!}${captured!.path}`, {
      method: 'POST',
      headers: withoutHash,
      body: forged,
    });
    expect(stripped.status).toBe(400);
    expect(await stripped.json()).toMatchObject({
      __type: 'IncompleteSignatureException',
      message: expect.stringMatching(/x-amz-content-sha256/),
    });

    const genuine = await replay(captured!, captured!.body);
    expect(genuine.status).toBe(200);
    await env.settle();
    expect(await logged(eventId)).toBeDefined();
    expect(await logged(forgedId)).toBeUndefined();
  });

  it('refuses UNSIGNED-PAYLOAD, an S3 feature, for EventBridge', async () => {
    const client = env.events('foreign-affairs');
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        return next(args);
      },
      { step: 'build', name: 'unsignedPayload' },
    );
    await expect(
      client.send(new PutEventsCommand({ Entries: [exampleEntry(latestDefinition('VisaIssued')!, env.busName)] })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/UNSIGNED-PAYLOAD is an S3 feature/),
    });
  });
});

describe('a captured command replayed with another body', () => {
  it('is refused by the command API, and the forged visa is never issued', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      calls.push({ url: String(input), init: init ?? {} });
      return realFetch(input, init);
    });
    // A visa number of this run's own, so a shared remote cloud that saw an earlier run does not hold it already.
    const visaNumber = `RP${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const forgedNumber = `RP${String((Date.now() + 1) % 10_000_000).padStart(7, '0')}`;
    const input = { ...JSON.parse(exampleEntry(latestDefinition('VisaIssued')!, env.busName).Detail).data, visaNumber };
    const keys = env.credentials.agencies['foreign-affairs'];
    const issued = await signedFetch(`${env.api}/commands/berkut`, {
      method: 'POST',
      body: JSON.stringify({ command: 'issue-visa', input }),
      keys,
      region: env.credentials.region,
    });
    expect(issued.status).toBe(201);
    vi.restoreAllMocks();

    const [call] = calls;
    const headers = call!.init.headers as Record<string, string>;
    const body = Buffer.from(call!.init.body as Uint8Array).toString('utf8');
    const forged = forge(body, visaNumber, forgedNumber);
    const refused = await fetch(call!.url, { method: 'POST', headers, body: forged });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'InvalidSignatureException',
        message: 'x-amz-content-sha256 does not match the SHA-256 of the body received',
      },
    });

    await env.settle();
    const again = await fetch(call!.url, { method: 'POST', headers, body });
    // The genuine replay verifies and reaches the system, which refuses a visa number it already holds.
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'visa-number-taken' } });
  });
});
