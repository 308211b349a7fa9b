import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { CloudCredentials } from './credentials.ts';

/**
 * The local cloud's health details (queue depths, the table map), read as the
 * platform: `/_mx/health` tells an unsigned caller only that it is alive.
 * Undefined when the endpoint is not the embedded cloud (AWS, LocalStack) or
 * does not answer.
 */
export async function cloudHealth<T extends object>(
  endpoint: string,
  credentials: Pick<CloudCredentials, 'platform' | 'region'>,
): Promise<Partial<T> | undefined> {
  try {
    const response = await signedFetch(`${endpoint}/_mx/health`, {
      keys: credentials.platform,
      region: credentials.region,
    });
    return response.ok ? ((await response.json()) as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}
