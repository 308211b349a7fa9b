/**
 * The checkpointer on AWS: a scheduled Lambda (every minute, one at a time)
 * that ticks both logs' checkpointers for most of its run, so a checkpoint
 * follows every N leaves or T seconds as on the local cloud. It signs with
 * a KMS key of spec ECC_NIST_EDWARDS25519 (Ed25519, RFC 8032: the same
 * signature the local key makes, checked by the same verifier) and archives
 * to an S3 bucket under Object Lock in compliance mode.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { documentClient } from '../lib/document-client.ts';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { observability, observed, traced } from '../lib/observability.ts';
import { S3Archive } from './archive.ts';
import { type NoteSigner, verifierOf, vkeyText } from './checkpoint.ts';
import { LogCheckpointer, type TickReport } from './checkpointer.ts';
import { LOG_NAMES, LOGS, originOf } from './logs.ts';

/**
 * How long an empty leaf index is waited for before it is voided: writers
 * start no write later than a minute after their claim, and a request they
 * signed is refused by AWS five minutes after it was signed (SigV4), so no
 * write can land after this (see sequencer.ts).
 */
const LEASE_MS = 7 * 60_000;
/** Time left for the last tick to finish before the Lambda's timeout. */
const STOP_BEFORE_TIMEOUT_MS = 15_000;
const TICK_MS = 1000;

/** DER SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): this prefix, then the 32-byte key. */
const ED25519_SPKI_PREFIX = '302a300506032b6570032100';

async function kmsSigner(kms: KMSClient, keyId: string, name: string): Promise<NoteSigner> {
  const { PublicKey, KeySpec } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const der = Buffer.from(PublicKey ?? new Uint8Array());
  if (
    KeySpec !== 'ECC_NIST_EDWARDS25519' ||
    der.length !== 44 ||
    der.subarray(0, 12).toString('hex') !== ED25519_SPKI_PREFIX
  ) {
    throw new Error(`KMS key ${keyId} is not an Ed25519 signing key (key spec ${KeySpec})`);
  }
  return {
    name,
    publicKey: new Uint8Array(der.subarray(12)),
    sign: async (message) => {
      // ED25519_SHA_512 over the RAW message is pure Ed25519 (RFC 8032), what note verifiers expect.
      const out = await kms.send(
        new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }),
      );
      return new Uint8Array(out.Signature ?? new Uint8Array());
    },
  };
}

export function createHandler(
  deps: HandlerDeps,
): (event: unknown, context: Context) => Promise<{ reports: TickReport[] }> {
  const { env } = deps;
  const tables = {
    'exchange-log': requireEnv('EXCHANGE_LOG_TABLE', env),
    'access-ledger': requireEnv('ACCESS_LEDGER_TABLE', env),
  };
  const bucket = requireEnv('CHECKPOINT_BUCKET', env);
  const keyId = requireEnv('SIGNING_KEY_ID', env);
  const originPrefix = requireEnv('ORIGIN_PREFIX', env);
  const entries = Number(env.CHECKPOINT_ENTRIES ?? 1000);
  const seconds = Number(env.CHECKPOINT_SECONDS ?? 10);
  const o = observability(env, 'transparency-checkpointer');
  const { logger } = o;
  const kms = traced(o, new KMSClient(deps.aws));
  const raw = traced(o, new DynamoDBClient(deps.aws));
  const doc = documentClient(raw);
  const archive = new S3Archive(traced(o, new S3Client(deps.aws)), bucket);

  /**
   * Kept across warm invocations: a checkpointer that stays warm keeps its tree in memory instead of reading it back.
   */
  let checkpointers: Promise<LogCheckpointer[]> | undefined;

  function start(): Promise<LogCheckpointer[]> {
    return Promise.all(
      LOG_NAMES.map(async (name) => {
        const signer = await kmsSigner(kms, keyId, originOf(originPrefix, name));
        logger.info('log key', { log: name, vkey: vkeyText(verifierOf(signer.name, signer.publicKey)) });
        return new LogCheckpointer({
          raw,
          doc,
          table: tables[name],
          layout: LOGS[name],
          signer,
          archive,
          policy: { entries, seconds, leaseMs: LEASE_MS },
          log: (message) => logger.warn(message),
        });
      }),
    );
  }

  return observed(
    o,
    async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ reports: TickReport[] }> => {
      checkpointers ??= start().catch((error: unknown) => {
        checkpointers = undefined;
        throw error;
      });
      const logs = await checkpointers;
      let reports: TickReport[] = [];
      let signed = 0;
      do {
        const started = Date.now();
        reports = [];
        for (const log of logs) reports.push(await log.tick());
        for (const r of reports)
          if (r.signed) logger.info('checkpoint signed', { log: r.log, size: r.signed.size, object: r.signed.name });
        signed += reports.filter((r) => r.signed).length;
        const stalled = reports.filter((r) => r.stalled);
        // A stalled log needs an operator: failing the run puts it on the function's error alarm.
        if (stalled.length) throw new Error(stalled.map((r) => r.stalled).join('; '));
        await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - started))));
      } while (context.getRemainingTimeInMillis() > STOP_BEFORE_TIMEOUT_MS);
      o.metrics.addMetric('CheckpointsSigned', MetricUnit.Count, signed);
      return { reports };
    },
  );
}

export const handler = lambdaEntry(createHandler);
