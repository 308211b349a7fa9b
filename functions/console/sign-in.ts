/**
 * Signing in: the keys decide the ministry. The console asks GET /api/whoami
 * who the keys belong to, and says in one plain sentence why it cannot use
 * keys that are wrong (not the signature text AWS answers with) or that
 * belong to an agency rather than an operator. Pure: the API call is in app.ts.
 */
import { ministryName } from './labels.ts';

/** A refused API call: its status, AWS's error type (body `code` or `x-amzn-errortype`) and message. */
export interface Refusal {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
}

/** What GET /api/whoami answers (functions/query-api/whoami.ts). */
export interface Caller {
  readonly kind: 'operator' | 'agency' | 'unknown';
  readonly ministry?: string;
  readonly arn?: string;
}

export const WHERE_OPERATOR_KEYS_ARE =
  'your ministry’s operator keys (locally: npx mx credentials --json, under “operators”)';

/** Why these keys could not sign in, as one sentence. */
export function keysProblem(refusal: Refusal): string {
  const code = (refusal.code ?? '').split(':')[0]!.trim();
  const message = refusal.message ?? '';
  if (refusal.status === 0)
    return 'The console cannot reach its API; check that the cloud is running and reload the page.';
  if (code === 'MissingAuthenticationTokenException' || refusal.status === 401)
    return 'Enter an access key ID and a secret access key.';
  if (code === 'UnrecognizedClientException' || /security token included in the request is invalid/i.test(message)) {
    return 'This access key ID is not known here; copy it again from your ministry’s operator keys.';
  }
  if (code === 'ExpiredTokenException' || /token .*expired/i.test(message))
    return 'These temporary credentials have expired; get new ones and sign in again.';
  if (/signature expired|request time .*too skewed/i.test(message))
    return 'This computer’s clock is more than 15 minutes off; correct it and sign in again.';
  if (
    code === 'InvalidSignatureException' ||
    code === 'SignatureDoesNotMatch' ||
    code === 'IncompleteSignatureException' ||
    /signature/i.test(message)
  ) {
    return 'The secret access key does not belong to this access key ID; copy both again.';
  }
  if (refusal.status === 403) return `These keys may not use the console; sign in with ${WHERE_OPERATOR_KEYS_ARE}.`;
  return `The console could not check these keys (HTTP ${refusal.status}); try again in a moment.`;
}

/** The ministry an operator's keys open, or the sentence saying why the keys are not an operator's. */
export function ministryOf(caller: Caller): { readonly ministry: string } | { readonly problem: string } {
  if (caller.kind === 'operator' && caller.ministry) return { ministry: caller.ministry };
  if (caller.kind === 'agency') {
    const whose = caller.ministry
      ? `the ${ministryName(caller.ministry)}’s agency keys, which publish events and issue commands`
      : 'an agency’s keys';
    return { problem: `These are ${whose}; the console needs ${WHERE_OPERATOR_KEYS_ARE}.` };
  }
  return { problem: `These keys belong to no ministry’s operator; sign in with ${WHERE_OPERATOR_KEYS_ARE}.` };
}
