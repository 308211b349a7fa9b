import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, templateOf } from './synth.ts';

describe('signed Merkle logs on AWS', () => {
  const { template, resources, ofType } = templateOf();
  const checkpointer = ofType('AWS::Lambda::Function').find(([, r]) =>
    String((r.Properties.Description as string | undefined) ?? '').startsWith(
      'Extends the exchange log and access ledger Merkle trees',
    ),
  );
  const roleId = logicalIdOf((checkpointer?.[1].Properties.Role as unknown) ?? undefined);
  const statementsOf = (role: string | undefined) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => logicalIdOf(r) === role))
      .flatMap(
        ([, p]) =>
          (
            p.Properties.PolicyDocument as {
              Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
            }
          ).Statement,
      );

  it('signs with an Ed25519 KMS key and archives to a bucket whose objects are locked in compliance mode', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
    // Production keeps checkpoints ten years.
    templateOf({ retainData: true }).template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } } },
    });
  });

  it(
    'runs the checkpointer every minute, alone, with rights to sign, archive, read the logs in leaf order and ' +
      'write only their #merkle items',
    () => {
      expect(checkpointer).toBeDefined();
      expect(checkpointer![1].Properties.ReservedConcurrentExecutions).toBe(1);
      const rule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression === 'rate(1 minute)');
      expect(logicalIdOf((rule?.[1].Properties.Targets as { Arn: unknown }[] | undefined)?.[0]?.Arn)).toBe(
        checkpointer![0],
      );
      const statements = statementsOf(roleId);
      const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect(actions).toEqual(
        expect.arrayContaining([
          'kms:Sign',
          'kms:GetPublicKey',
          's3:PutObject',
          's3:ListBucket',
          'dynamodb:Query',
          'dynamodb:PutItem',
        ]),
      );
      expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
      expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:DeleteItem']));
      const puts = statements.filter((s) => s.Action === 'dynamodb:PutItem');
      expect(puts.map((s) => s.Condition)).toEqual([
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#merkle#*'] } },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#merkle*'] } },
      ]);
    },
  );

  it('gives both logs a byLeaf index in 8 partitions, and query functions only the ledger counter to update', () => {
    for (const id of ['ExchangeLog', 'AccessLedger']) {
      const table = Object.entries(resources).find(
        ([logical, r]) => r.Type === 'AWS::DynamoDB::Table' && logical.startsWith(id),
      )!;
      expect(table[1].Properties.GlobalSecondaryIndexes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            IndexName: 'byLeaf',
            KeySchema: [
              { AttributeName: 'leafShard', KeyType: 'HASH' },
              { AttributeName: 'leafIndex', KeyType: 'RANGE' },
            ],
          }),
        ]),
      );
    }
    const queries = ofType('AWS::Lambda::Function').filter(([, r]) =>
      String(r.Properties.Description ?? '').endsWith('view query API'),
    );
    expect(queries).toHaveLength(4);
    for (const [, fn] of queries) {
      const updates = statementsOf(logicalIdOf(fn.Properties.Role)).filter((s) => s.Action === 'dynamodb:UpdateItem');
      expect(updates).toEqual([
        expect.objectContaining({
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#merkle'] } },
        }),
      ]);
    }
  });
});
