/**
 * Between the wire and the authorizer: which call a JSON-protocol request is, and the refusal AWS would send.
 * The dispatch path parses the request once, asks {@link StackAuthorizer.authorize}, and throws
 * {@link refusalError}'s error, which the cloud's `sendAwsError` renders as every other AWS error it sends.
 */
import { AwsError } from '../aws-protocol.ts';
import type { Refusal, ServiceCall } from './authorize.ts';

const PREFIXES = [
  ['dynamodb', 'DynamoDB_20120810.'],
  ['events', 'AWSEvents.'],
  ['sqs', 'AmazonSQS.'],
] as const;

/**
 * The call an `X-Amz-Target` request makes, or undefined for a target no service answers. A body that is not a
 * JSON object is authorized as an empty one — it names no resource a policy grants, so only an account
 * administrator gets past, and the service then refuses the body itself.
 */
export function serviceCallOf(target: string, body: Buffer | string): ServiceCall | undefined {
  const match = PREFIXES.find(([, prefix]) => target.startsWith(prefix));
  if (!match) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const object =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return { service: match[0], operation: target.slice(match[1].length), body: object };
}

/** AWS's answer to a refused call: `AccessDeniedException`, 400 on the JSON protocols, 403 from API Gateway. */
export function refusalError(refusal: Refusal): AwsError {
  return new AwsError(refusal.code, refusal.message, refusal.status);
}
