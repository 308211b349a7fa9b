import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A condition expression failed (the SDK's class, or its name when the error crossed a module instance). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}
