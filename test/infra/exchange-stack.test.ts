import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME } from '../../infra/constructs/exchange-function.ts';
import { ExchangeStack } from '../../infra/stacks/exchange-stack.ts';
import { checkTopology, type SubscriptionSpec, type TableSpec, TOPOLOGY, type Topology } from '../../infra/topology.ts';

// A synthesized template is untyped JSON: the assertions reach into resource properties by path and fail when a
// path is wrong, so typing every CloudFormation resource here would add nothing the assertions do not check.
// biome-ignore lint/suspicious/noExplicitAny: properties of arbitrary CloudFormation resources, read by path
type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;

let template: Template;
let resources: Resources;
let assemblyDir: string;

beforeAll(() => {
  const app = new App({ context: { stage: 'test' } });
  const stack = new ExchangeStack(app, 'MxTest', { topology: TOPOLOGY, retainData: false, archiveRetentionDays: 30 });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
  assemblyDir = app.synth().directory;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (ref: unknown) =>
  (ref as { Ref?: string; 'Fn::GetAtt'?: [string, string] }).Ref ??
  (ref as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

describe('rules equal the topology', () => {
  it('has one rule per subscription, on the exchange bus, with exactly its pattern', () => {
    const [busId] = ofType('AWS::Events::EventBus')[0]!;
    const rules = ofType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.EventPattern)
      .map(([, r]) => ({ bus: logicalIdOf(r.Properties.EventBusName), pattern: r.Properties.EventPattern }));
    expect(rules).toHaveLength(TOPOLOGY.subscriptions.length);
    expect(rules).toEqual(
      expect.arrayContaining(TOPOLOGY.subscriptions.map((s) => ({ bus: busId, pattern: s.pattern }))),
    );
  });

  it('targets each rule at its own queue, with the DLQ as the target dead-letter config', () => {
    for (const [, rule] of ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern)) {
      const [target] = rule.Properties.Targets;
      const queue = resources[logicalIdOf(target.Arn)]!;
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(logicalIdOf(target.DeadLetterConfig.Arn)).toBe(
        logicalIdOf(queue.Properties.RedrivePolicy.deadLetterTargetArn),
      );
    }
  });
});

describe('queue → DLQ → Lambda wiring', () => {
  it.each(TOPOLOGY.subscriptions.map((s) => [s.name, s] as const))(
    '%s: queue redrives to a DLQ after maxReceiveCount',
    (name, spec) => {
      const queueId = Object.keys(resources).find(
        (id) => id.startsWith(`Sub${name.replace(/-/g, '')}Queue`) && resources[id]!.Type === 'AWS::SQS::Queue',
      )!;
      const queue = resources[queueId]!.Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] },
        maxReceiveCount: spec.delivery.maxReceiveCount,
      });
      // AWS Lambda's guide: a source queue's visibility timeout is at least six times the function's timeout (so Lambda
      // can retry a throttled batch); the batching window comes on top, as messages wait in flight through it.
      const { handlerTimeoutSeconds, maxBatchingWindowSeconds } = spec.delivery;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * handlerTimeoutSeconds + maxBatchingWindowSeconds);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        BatchSize: spec.delivery.batchSize,
        MaximumBatchingWindowInSeconds: spec.delivery.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    },
  );

  it('lets only EventBridge rules of this stack send to the queues', () => {
    for (const [, policy] of ofType('AWS::SQS::QueuePolicy')) {
      const sends = policy.Properties.PolicyDocument.Statement.filter(
        (s: { Action: string }) =>
          s.Action === 'sqs:SendMessage' || (Array.isArray(s.Action) && s.Action.includes('sqs:SendMessage')),
      );
      for (const statement of sends) {
        expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
        expect(statement.Condition.ArnEquals['aws:SourceArn']).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        expect(resources[logicalIdOf(statement.Condition.ArnEquals['aws:SourceArn'])]!.Type).toBe('AWS::Events::Rule');
      }
    }
  });
});

describe('functions', () => {
  it('run on the nodejs22.x runtime the platform targets, ESM, with only their own table in the environment', () => {
    // The console deployment's copy function is CDK's own (Python), run only by CloudFormation during a deploy; the
    // Merkle checkpointer (infra/constructs/transparency-log.ts) reads two tables of others and is tested there.
    const functions = ofType('AWS::Lambda::Function').filter(
      ([id, f]) =>
        !id.startsWith('CustomCDKBucketDeployment') &&
        !String(f.Properties.Description).startsWith('Extends the exchange log and access ledger Merkle trees'),
    );
    // And the console's exchange routes and whoami.
    expect(functions).toHaveLength(
      TOPOLOGY.subscriptions.length + TOPOLOGY.commandApis.length + TOPOLOGY.queryApis.length + 2,
    );
    expect(LAMBDA_RUNTIME.name).toBe('nodejs22.x');
    for (const [id, fn] of functions) {
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Runtime).toBe(LAMBDA_RUNTIME.name);
      // The exchange routes read queues and an index, whoami nothing: no table of their own
      // (test/infra/exchange-routes.test.ts).
      if (id.startsWith('ExchangeRoutes')) expect(fn.Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
      else expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: expect.any(String) });
    }
  });

  it('may touch only their own table, their own queue and their own log group (least privilege)', () => {
    for (const spec of TOPOLOGY.subscriptions) {
      const prefix = `Sub${spec.name.replace(/-/g, '')}`;
      const logGroupId = Object.keys(resources).find(
        (id) => id.startsWith(`${prefix}HandlerLogs`) && resources[id]!.Type === 'AWS::Logs::LogGroup',
      );
      const [, policy] = ofType('AWS::IAM::Policy').find(([id]) =>
        id.startsWith(`${prefix}HandlerServiceRoleDefaultPolicy`),
      )!;
      const tableId = Object.keys(resources).find(
        (id) => id.startsWith(spec.table) && resources[id]!.Type === 'AWS::DynamoDB::Table',
      );
      const queueId = Object.keys(resources).find(
        (id) => id.startsWith(`${prefix}Queue`) && resources[id]!.Type === 'AWS::SQS::Queue',
      );
      const touched = new Set<string>();
      const [busId] = ofType('AWS::Events::EventBus')[0]!;
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Action === 'events:PutEvents') {
          // A system that reacts may publish, but only under its own sources, and only to the exchange bus.
          expect(statement.Resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
          expect(spec.publishes).toContain(statement.Condition.StringEquals['events:source']);
          continue;
        }
        if ([statement.Action].flat().every((action: string) => action.startsWith('xray:'))) {
          // Active tracing: X-Ray's actions take no resource; they only send the function's own traces.
          expect([statement.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
          continue;
        }
        for (const resource of [statement.Resource].flat()) {
          const id = resource['Fn::GetAtt']?.[0] ?? resource['Fn::Join']?.[1]?.[0]?.['Fn::GetAtt']?.[0] ?? resource.Ref;
          touched.add(id);
          expect(String(statement.Action)).not.toMatch(/\*/);
        }
      }
      expect([...touched].sort()).toEqual([queueId, tableId, logGroupId].sort());
    }
  });

  it('have roles of their own with no AWS managed policy, writing only their own log group (AwsSolutions-IAM4)', () => {
    const functions = ofType('AWS::Lambda::Function');
    for (const [id, fn] of functions) {
      const roleId = logicalIdOf(fn.Properties.Role);
      expect(resources[roleId]!.Properties.ManagedPolicyArns, id).toBeUndefined();
      const logGroupId = logicalIdOf(fn.Properties.LoggingConfig.LogGroup);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
            },
          ]),
        },
      });
      // Lambda starts only once the role's policy is attached, so its first log lines are not refused.
      expect(resources[id]!.DependsOn).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${roleId.replace(/[0-9A-F]{8}$/, '')}DefaultPolicy`)),
        ]),
      );
    }
    // The one managed policy left: API Gateway's account-level logging role (suppressed in cdk-nag with its reason).
    const managed = ofType('AWS::IAM::Role').filter(([, r]) => r.Properties.ManagedPolicyArns);
    expect(managed.map(([id]) => id)).toEqual([expect.stringMatching(/^ApisApiCloudWatchRole/)]);
  });
});

describe('event bus and publishing rights', () => {
  it('lets each agency principal PutEvents only with its own events:source', () => {
    const policies = ofType('AWS::Events::EventBusPolicy').map(([, p]) => p.Properties.Statement);
    expect(policies).toHaveLength(TOPOLOGY.agencies.length);
    for (const agency of TOPOLOGY.agencies) {
      const statement = policies.find((s) => s.Sid === `cdk-PublishAs-${agency.id}`);
      expect(statement).toMatchObject({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': [...agency.sources] } },
        Principal: {
          AWS: { 'Fn::GetAtt': [expect.stringContaining(`Publisher${agency.id.replace(/-/g, '')}`), 'Arn'] },
        },
      });
    }
  });

  it('gives each publisher role an identity policy with the same source condition', () => {
    for (const agency of TOPOLOGY.agencies) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp(`Publisher${agency.id.replace(/-/g, '')}`) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'events:PutEvents',
              Effect: 'Allow',
              Condition: { StringEquals: { 'events:source': [...agency.sources] } },
              Resource: Match.anyValue(),
            },
          ]),
        },
      });
    }
  });

  it('archives the bus with the configured retention', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExchangeBus'), 'Arn'] },
    });
  });
});

describe('tables', () => {
  it('are classic on-demand AWS::DynamoDB::Table resources with generated names', () => {
    expect(ofType('AWS::DynamoDB::GlobalTable')).toHaveLength(0);
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TOPOLOGY.tables.length);
    for (const [, table] of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.TableName).toBeUndefined();
    }
  });

  it('keep their logical ids, so a deploy never replaces a table holding data', () => {
    // Pinned on purpose: changing one means CloudFormation deletes and recreates the table.
    const ids = ofType('AWS::DynamoDB::Table')
      .map(([id]) => id)
      .sort();
    expect(ids).toEqual([
      'AccessLedger527E570D',
      'BerkutRegistry8C5554C1',
      'BorderServiceView4DD28849',
      'CommandIdempotency8CF8A1F5',
      'ExchangeLog67A07214',
      'ForeignAffairsViewA9A6AF39',
      'ForeignLabourRegistry129293AB',
      'InteriorView90F5054F',
      'LabourView29556E7F',
      'QandasRegistryC6B0F9C1',
    ]);
    expect(Object.keys(resources)).toContain('ExchangeBus94E8AFB9');
  });

  it('declare the keys and indexes of the topology', () => {
    for (const spec of TOPOLOGY.tables) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        GlobalSecondaryIndexes: spec.indexes?.length
          ? spec.indexes.map((index) => Match.objectLike({ IndexName: index.name }))
          : Match.absent(),
      });
    }
  });

  it('expire smoke traffic on their own (TTL on expiresAt, which only mx smoke\u2019s records carry)', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TOPOLOGY.tables.length);
    for (const [, table] of tables)
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});

describe('scheduled check', () => {
  it('runs the Berkut command function every night for the overstay check', () => {
    const [, rule] = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)!;
    expect(rule.Properties.ScheduleExpression).toBe('cron(30 1 * * ? *)');
    expect(logicalIdOf(rule.Properties.Targets[0].Arn)).toMatch(/^ApisCommandsberkut/);
  });
});

describe('REST API', () => {
  it('authorises every method with IAM', () => {
    const methods = ofType('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS');
    // The command and view APIs, the four exchange routes and whoami.
    expect(methods.length).toBe(TOPOLOGY.commandApis.length + TOPOLOGY.queryApis.length + 5);
    for (const [, method] of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('lets each ministry\u2019s operator role invoke only its own view and the exchange routes', () => {
    for (const ministry of ['interior', 'labour', 'foreign-affairs', 'border-service']) {
      const compact = ministry.replace(/-/g, '');
      const [, policy] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(`ApisOperator${compact}`))!;
      const statements = policy.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[];
      expect(statements.map((s) => s.Action)).toEqual(['execute-api:Invoke', 'execute-api:Invoke']);
      const views = JSON.stringify(statements[0]!.Resource);
      expect(views).toContain(`/GET/api/views/${ministry}/*`);
      // Which queues and breaches the exchange routes show it is decided by its role
      // (test/infra/exchange-routes.test.ts).
      const exchange = JSON.stringify(statements[1]!.Resource);
      expect(exchange).not.toContain('/api/views/');
      expect(exchange.match(/\/api\/exchange\//g)).toHaveLength(4);
      expect(exchange).toContain('/GET/api/whoami');
    }
  });

  it(
    'lets query functions only append to and read the access ledger, and command functions publish only their ' +
      'systems\u2019 sources',
    () => {
      const ledgerId = Object.keys(resources).find((id) => id.startsWith('AccessLedger'))!;
      for (const spec of TOPOLOGY.queryApis) {
        const [, policy] = ofType('AWS::IAM::Policy').find(([id]) =>
          id.startsWith(`ApisQueries${spec.ministry.replace(/-/g, '')}`),
        )!;
        const onLedger = (
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]
        ).filter((st) => JSON.stringify(st.Resource).includes(ledgerId));
        // GetItem reads back its own entry when a write's answer was lost; the one update claims a
        // leaf of the ledger's Merkle tree.
        expect(onLedger).toEqual([
          {
            Action: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [ledgerId, 'Arn'] },
          },
          {
            Action: 'dynamodb:UpdateItem',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#merkle'] } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [ledgerId, 'Arn'] },
          },
        ]);
      }
      for (const spec of TOPOLOGY.commandApis) {
        const [, policy] = ofType('AWS::IAM::Policy').find(([id]) =>
          id.startsWith(`ApisCommands${spec.system.replace(/-/g, '')}`),
        )!;
        const publish = (
          policy.Properties.PolicyDocument.Statement as { Action: string; Condition?: unknown }[]
        ).filter((st) => st.Action === 'events:PutEvents');
        expect(publish).toEqual([
          expect.objectContaining({ Condition: { StringEquals: { 'events:source': [...spec.publishes] } } }),
        ]);
      }
    },
  );

  it(
    'lets each command function remember answers ' + 'only under its own system\u2019s keys of the idempotency table',
    () => {
      const tableId = Object.keys(resources).find(
        (id) => id.startsWith('CommandIdempotency') && resources[id]!.Type === 'AWS::DynamoDB::Table',
      )!;
      for (const spec of TOPOLOGY.commandApis) {
        const prefix = `ApisCommands${spec.system.replace(/-/g, '')}`;
        const [, policy] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(prefix))!;
        const onTable = (policy.Properties.PolicyDocument.Statement as { Resource: unknown }[]).filter((st) =>
          JSON.stringify(st.Resource).includes(tableId),
        );
        expect(onTable).toEqual([
          {
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`commands-${spec.system}#*`] } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
          },
        ]);
        const [, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))!;
        expect(fn.Properties.Environment.Variables.IDEMPOTENCY_TABLE).toEqual({ Ref: tableId });
      }
    },
  );
});

describe('topology checks', () => {
  type Writable<T> = { -readonly [K in keyof T]: T[K] };
  interface EditableTopology {
    subscriptions: Writable<SubscriptionSpec>[];
    tables: Writable<TableSpec>[];
  }
  /** A copy of the topology, changed; `first` is the copy's first subscription. */
  const broken = (change: (t: EditableTopology, first: Writable<SubscriptionSpec>) => void): Topology => {
    const copy = structuredClone({ ...TOPOLOGY }) as unknown as EditableTopology;
    const first = copy.subscriptions[0];
    if (!first) throw new Error('the topology declares no subscription');
    change(copy, first);
    return copy as unknown as Topology;
  };

  it('refuses a subscription that owns an unknown table, naming both', () => {
    expect(() =>
      checkTopology(
        broken((_, first) => {
          first.table = 'Nope';
        }),
      ),
    ).toThrow(/subscription exchange-log owns unknown table Nope/);
  });

  it('refuses duplicate names and oversize batches without a batching window', () => {
    expect(() =>
      checkTopology(
        broken((t, first) => {
          t.subscriptions.push({ ...first, table: 'ExchangeLog' });
        }),
      ),
    ).toThrow(/used twice/);
    expect(() =>
      checkTopology(
        broken((_, first) => {
          first.delivery = { ...first.delivery, batchSize: 50, maxBatchingWindowSeconds: 0 };
        }),
      ),
    ).toThrow(/maxBatchingWindowSeconds/);
  });
});

describe('bundles', () => {
  it('are minified ESM with the AWS SDK left external; sizes are printed', () => {
    const sizes: Record<string, number> = {};
    for (const entry of readdirSync(assemblyDir)) {
      const file = path.join(assemblyDir, entry, 'index.mjs');
      try {
        sizes[entry] = statSync(file).size;
      } catch {}
    }
    // Subscriptions that share a handler module share its asset.
    expect(Object.keys(sizes).length).toBeGreaterThanOrEqual(
      new Set(TOPOLOGY.subscriptions.map((s) => s.handler)).size,
    );
    for (const [asset, bytes] of Object.entries(sizes)) {
      console.log(`lambda bundle ${asset}: ${(bytes / 1024).toFixed(1)} KB`);
      // A hard ceiling that catches an accidentally bundled SDK (which alone is several MB).
      expect(bytes).toBeLessThan(400 * 1024);
    }
  });
});
