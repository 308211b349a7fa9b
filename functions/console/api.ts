/**
 * The console's API calls, signed in the browser with the operator's keys
 * (SigV4 for execute-api, as API Gateway's IAM authorisation checks them;
 * temporary keys sign their session token as `x-amz-security-token`).
 */
import type { Refusal } from './sign-in.ts';
import { signedFetch } from './signing.ts';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type Json = Record<string, unknown>;

/** A refusal from the API, with AWS's error type when it named one. */
export class ApiError extends Error implements Refusal {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function callApi(
  keys: Keys,
  path: string,
  query: Record<string, string> = {},
  method = 'GET',
): Promise<Json> {
  let response: Response;
  try {
    // Signed for the API's own host, stage and region (signing.ts): behind CloudFront on AWS those are not the page's.
    response = await signedFetch(path, query, method, keys);
  } catch (error) {
    throw new ApiError(0, `the API could not be reached: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
    message?: string;
  } & Json;
  if (!response.ok) {
    // The local cloud names the problem in the body; API Gateway in x-amzn-ErrorType and a bare { message }.
    const code = body.error?.code ?? response.headers.get('x-amzn-errortype') ?? undefined;
    throw new ApiError(response.status, body.error?.message ?? body.message ?? response.statusText, code);
  }
  return body;
}
