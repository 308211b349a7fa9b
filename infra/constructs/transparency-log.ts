import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ACCESS_LEDGER, EXCHANGE_LOG, LEAF_INDEX } from '../../functions/merkle/logs.ts';
import { ExchangeFunction } from './exchange-function.ts';

export interface TransparencyLogProps {
  readonly exchangeLog: ITable;
  readonly accessLedger: ITable;
  /** How long each checkpoint is locked against deletion and overwrite (S3 Object Lock, compliance mode). */
  readonly retentionDays: number;
  /** Sign every this many leaves, or once a leaf has waited this many seconds. */
  readonly checkpointEvery: { readonly entries: number; readonly seconds: number };
  /** Keep the key when the stack is deleted (production); the bucket is always kept (its objects are locked anyway). */
  readonly retainData: boolean;
  readonly environment: Record<string, string>;
}

/**
 * The signed Merkle logs on AWS (issue 12): an Ed25519 KMS key that signs
 * checkpoints (its private half never leaves KMS), an S3 bucket under Object
 * Lock in compliance mode that keeps every checkpoint unrewritable for the
 * retention period (no one, the account root included, can shorten it), and
 * the scheduled checkpointer that may sign with the key, write the bucket,
 * read the logs in leaf order and write only their `#merkle` bookkeeping.
 */
export class TransparencyLog extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly checkpointer: ExchangeFunction;

  constructor(scope: Construct, id: string, props: TransparencyLogProps) {
    super(scope, id);
    this.key = new Key(this, 'SigningKey', {
      keySpec: KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: KeyUsage.SIGN_VERIFY,
      description:
        'Signs the checkpoints of the exchange log and access ledger Merkle trees (C2SP signed notes, Ed25519)',
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(props.retainData ? 30 : 7),
    });
    this.bucket = new Bucket(this, 'Checkpoints', {
      // Object Lock needs versioning; compliance mode: no version can be deleted or overwritten before its retention
      // ends. https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Locked objects cannot be deleted, so neither can the bucket: it outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'The bucket holds only signed checkpoints, written once by the checkpointer role and locked ' +
          '(compliance mode); a checkpoint is public evidence whose integrity rests on its signature, not on who ' +
          'read it, so server access logs would add a second bucket to audit nothing.',
      },
    ]);

    this.checkpointer = new ExchangeFunction(this, 'Checkpointer', {
      handlerModule: 'functions/merkle/handler.ts',
      description: 'Extends the exchange log and access ledger Merkle trees and signs their checkpoints',
      timeout: Duration.seconds(60),
      // One sequencer: a second run would only wait on the first's conditional writes.
      reservedConcurrentExecutions: 1,
      environment: {
        ...props.environment,
        EXCHANGE_LOG_TABLE: props.exchangeLog.tableName,
        ACCESS_LEDGER_TABLE: props.accessLedger.tableName,
        CHECKPOINT_BUCKET: this.bucket.bucketName,
        SIGNING_KEY_ID: this.key.keyArn,
        ORIGIN_PREFIX: `${Stack.of(this).stackName}.${Stack.of(this).region}.migration-exchange`,
        CHECKPOINT_ENTRIES: String(props.checkpointEvery.entries),
        CHECKPOINT_SECONDS: String(props.checkpointEvery.seconds),
      },
    });
    this.key.grant(this.checkpointer, 'kms:Sign', 'kms:GetPublicKey');
    this.checkpointer.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [this.bucket.arnForObjects('*')] }),
    );
    this.checkpointer.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    for (const [table, layout] of [
      [props.exchangeLog, EXCHANGE_LOG],
      [props.accessLedger, ACCESS_LEDGER],
    ] as const) {
      this.checkpointer.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${LEAF_INDEX}`] }),
      );
      this.checkpointer.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], resources: [table.tableArn] }),
      );
      // It writes only its bookkeeping (state, tiles, void leaves), never a row: every item
      // it may put has a `#merkle` key.
      this.checkpointer.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${layout.bookkeepingPrefix}*`] } },
        }),
      );
    }
    NagSuppressions.addResourceSuppressions(
      this.checkpointer.role!,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Checkpoint objects are named by tree size and time as they are signed, so the checkpointer may put ' +
            'and get objects of its own bucket only (Object Lock keeps it from changing any it wrote).',
          appliesTo: [`Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/*`],
        },
      ],
      true,
    );
    new Rule(this, 'Schedule', {
      description: 'Runs the Merkle log checkpointer every minute (it ticks for most of the minute)',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed run is not retried: the next one starts within the minute and picks up where the last stopped.
      targets: [new LambdaFunction(this.checkpointer, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    new CfnOutput(this, 'CheckpointBucketName', {
      value: this.bucket.bucketName,
      description: 'Signed checkpoints of the Merkle logs (S3 Object Lock, compliance mode)',
    });
    new CfnOutput(this, 'SigningKeyArn', {
      value: this.key.keyArn,
      description:
        'The Ed25519 KMS key that signs checkpoints; its public key (kms get-public-key) is what verifiers pin',
    });
  }
}
