/**
 * The platform's own keys are the account administrator's on the local cloud: the only ones whose DynamoDB and
 * SQS calls (`aws dynamodb scan`, `aws sqs receive-message`) no role policy limits. An agency's or an operator's
 * refusal there, in IAM's words, also says where those keys are.
 */
import type { Caller } from './authorize.ts';

export const PLATFORM_KEYS_HINT = 'use the platform\u2019s keys, under "platform" in `npx mx credentials --json`';

/** IAM's refusal as it is, plus the hint for a person holding an agency's or an operator's keys. */
export function withPlatformKeysHint(caller: Caller, service: string, refusal: string): string {
  const person = caller.kind === 'agency' || caller.kind === 'operator';
  const hinted = person && (service === 'dynamodb' || service === 'sqs');
  return hinted ? `${refusal} (locally: ${PLATFORM_KEYS_HINT})` : refusal;
}
