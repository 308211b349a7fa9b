import type { CloudCredentials } from '../local/credentials.ts';

/** Why the platform's keys are listed apart, printed beside them. */
export const PLATFORM_KEYS_NOTE =
  'the platform\u2019s own keys: the only ones that may call DynamoDB and SQS directly (aws dynamodb scan, aws ' +
  'sqs receive-message), as the platform\u2019s functions do; agencies publish and operators read views with ' +
  'their own keys';

/**
 * What `mx credentials --json` prints: the agencies' and operators' keys in
 * the shape `mx smoke --credentials` reads, and the platform's own keys under
 * `platform`, marked as such so nobody hands them to an agency.
 */
export function credentialsView(endpoint: string, credentials: CloudCredentials) {
  return {
    endpoint,
    region: credentials.region,
    agencies: credentials.agencies,
    operators: credentials.operators,
    platform: {
      principal: 'platform' as const,
      accessKeyId: credentials.platform.accessKeyId,
      secretAccessKey: credentials.platform.secretAccessKey,
      note: PLATFORM_KEYS_NOTE,
    },
  };
}
