import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { Ministry } from '../topology.ts';
import type { Connection } from './connection.ts';
import { asCliError } from './failures.ts';
import { CliError } from './output.ts';

/** Calls a ministry's query API as that ministry's operator; API errors become CLI errors with the API's message. */
export async function queryView(
  connection: Connection,
  ministry: Ministry,
  resource: string,
  params: Record<string, string | undefined>,
): Promise<unknown> {
  const keys = connection.credentials.operators[ministry];
  if (!keys)
    throw new CliError(
      `unknown ministry ${JSON.stringify(ministry)}; ministries: ` +
        `${Object.keys(connection.credentials.operators).join(', ')}`,
    );
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const url = `${connection.endpoint}/api/views/${ministry}/${resource}${query.size ? `?${query}` : ''}`;
  let response: Response;
  try {
    response = await signedFetch(url, { keys, region: connection.credentials.region });
  } catch (error) {
    throw asCliError(error, connection.endpoint);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new CliError(`${response.status}: ${body.error?.message ?? response.statusText}`);
  return body;
}
