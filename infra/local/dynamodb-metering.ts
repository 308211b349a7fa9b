/**
 * Metering DynamoDB requests on the local cloud (`npm run bench`): the
 * meter's own item lookups are marked so they are not billed, and a
 * response tells the meter what its request cost once DynamoDB answered it.
 */
import type { ServerResponse } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoMeter, ItemLookup } from './dynamodb-meter.ts';
import type { RawRequest } from './in-process-http.ts';

/** Marks the meter's own lookups, which AWS would not bill (they are not the platform's requests). */
export const UNMETERED_HEADER = 'x-mx-unmetered';

/** Reads an item for the meter without being metered itself (an update is billed at its resulting size). */
export function unmeteredLookup(config: () => DynamoDBClientConfig, disposables: { dispose(): void }[]): ItemLookup {
  let client: DynamoDBClient | undefined;
  return async (table, key) => {
    if (!client) {
      const created = new DynamoDBClient(config());
      created.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers[UNMETERED_HEADER] = '1';
          return next(args);
        },
        { step: 'build', name: 'unmetered' },
      );
      disposables.push({ dispose: () => created.destroy() });
      client = created;
    }
    return (await client.send(new GetItemCommand({ TableName: table, Key: key as never }))).Item as never;
  };
}

/** A response that tells the meter what the request cost once DynamoDB has answered it. */
export function metered(
  meter: DynamoMeter,
  operation: string,
  request: RawRequest,
  out: ServerResponse,
  log: (message: string) => void,
): ServerResponse {
  const tee = {
    statusCode: 200,
    setHeader: (name: string, value: string) => out.setHeader(name, value),
    end: (body?: string | Buffer) => {
      out.statusCode = tee.statusCode;
      out.end(body);
      const parse = (text: string | Buffer | undefined) => {
        try {
          return JSON.parse(String(text ?? '{}')) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      };
      const requestBody = parse(request.body) ?? {};
      void meter
        .record(operation, requestBody, parse(body), tee.statusCode < 300)
        .catch((error: unknown) => log(`dynamodb meter: ${(error as Error).message}`));
    },
  };
  return tee as unknown as ServerResponse;
}
