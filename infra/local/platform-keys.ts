/**
 * The platform's own keys are the only ones the local cloud lets call
 * DynamoDB and SQS directly (`aws dynamodb scan`, `aws sqs receive-message`),
 * as only the platform's roles may on AWS. A refusal says where they are.
 */
export const PLATFORM_KEYS_HINT = 'use the platform\u2019s keys, under "platform" in `npx mx credentials --json`';

/** The access-denied message for a caller that is not the platform. */
export function platformOnly(action: string): string {
  return `only the platform principal may ${action}: ${PLATFORM_KEYS_HINT}`;
}
