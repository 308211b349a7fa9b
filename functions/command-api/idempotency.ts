/**
 * A command retried after a lost answer must not run twice: the caller names
 * each command with an idempotency key (the `Idempotency-Key` header, or a
 * `commandId` per command), and Powertools Idempotency, persisting in
 * DynamoDB, returns the first answer to every retry under that key instead of
 * deciding and publishing again.
 *
 * Only answers that changed something are remembered. A refusal publishes
 * nothing and gives back what it reserved, so running it again is harmless,
 * and a retry should be decided against the registry as it is by then.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { CommandRequest, CommandResult } from './execute.ts';

/** The header a caller names a request with; a batch's commands are `<key>#<index>` unless they carry a commandId. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Long enough for any retry policy; the stack's tables expire items by `expiresAt` (DynamoDB TTL). */
export const REMEMBER_ANSWERS_SECONDS = 24 * 60 * 60;
const KEY = /^[A-Za-z0-9._:#-]{1,128}$/;

/** Why a caller's idempotency key cannot be used, or undefined if it can. */
export function keyProblem(key: unknown, field: string): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'string' && KEY.test(key)) return undefined;
  return `${field} must be 1-128 letters, digits or . _ : # -, got ${JSON.stringify(key)?.slice(0, 140)}`;
}

/** Who asked (an agency), and the key they gave this command. */
export interface CommandIdentity {
  readonly caller: string;
  readonly key: string;
}

export type RunCommand = (request: CommandRequest) => Promise<CommandResult>;

class NotRemembered extends Error {
  constructor(readonly result: CommandResult) {
    super('refusals are not remembered');
  }
}

const refused = (command: string, status: number, code: string, message: string): CommandResult => ({
  command,
  ok: false,
  status,
  error: { code, message, field: 'commandId' },
});

export interface IdempotencyOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** Keeps one system's keys apart from another's in the shared table. */
  readonly keyPrefix: string;
}

/** `run`, answering every retry of a keyed command with the first answer. Unkeyed commands run as they come. */
export function idempotentCommands(run: RunCommand, options: IdempotencyOptions) {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.table,
    awsSdkV3Client: options.client,
    expiryAttr: 'expiresAt',
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[caller, key]',
    // The same key with another command is a caller's mistake, refused rather than
    // answered with the first one's result.
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: REMEMBER_ANSWERS_SECONDS,
  });
  const once = makeIdempotent(
    async (call: CommandIdentity & { readonly request: CommandRequest }): Promise<CommandResult> => {
      const result = await run(call.request);
      if (!result.ok) throw new NotRemembered(result);
      return result;
    },
    { persistenceStore, config, keyPrefix: options.keyPrefix },
  );
  return async (
    request: CommandRequest,
    identity: CommandIdentity | undefined,
    invocation?: Context,
  ): Promise<CommandResult> => {
    if (!identity) return run(request);
    // The invocation's deadline bounds how long a crashed run's key stays "in progress" before a retry may take it.
    if (invocation) config.registerLambdaContext(invocation);
    const name = String(request?.command ?? '');
    try {
      return await once({ caller: identity.caller, key: identity.key, request });
    } catch (error) {
      if (error instanceof NotRemembered) return error.result;
      if (error instanceof IdempotencyValidationError) {
        return refused(
          name,
          409,
          'idempotency-key-reused',
          `idempotency key ${identity.key} was used for another command`,
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        return refused(
          name,
          409,
          'command-in-progress',
          `the command under idempotency key ${identity.key} is still running; retry`,
        );
      }
      throw error;
    }
  };
}
