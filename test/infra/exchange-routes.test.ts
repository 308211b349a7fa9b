import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV, parseConfig, scopesFor } from '../../functions/exchange-api/config.ts';
import type { Caller } from '../../functions/exchange-api/scope.ts';
import { MINISTRIES, TOPOLOGY } from '../../infra/topology.ts';
import { type CfnResource, logicalIdOf, renderIntrinsic, templateOf } from './synth.ts';

const { template, resources, ofType, json } = templateOf();

const [fnId, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('ExchangeRoutesHandler'))!;
const roleId = logicalIdOf(fn.Properties.Role)!;
const [, fnPolicy] = ofType('AWS::IAM::Policy').find(([, p]) =>
  (p.Properties.Roles as unknown[]).some((r) => logicalIdOf(r) === roleId),
)!;
const statements = (
  fnPolicy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
).Statement;
const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

const idOf = (prefix: string, type: string) =>
  Object.keys(resources).find((id) => id.startsWith(prefix) && resources[id]!.Type === type)!;
const queueIds = TOPOLOGY.subscriptions.map((s) => idOf(`Sub${s.name.replace(/-/g, '')}Queue`, 'AWS::SQS::Queue'));
const deadLetterIds = TOPOLOGY.subscriptions.map((s) =>
  idOf(`Sub${s.name.replace(/-/g, '')}DeadLetters`, 'AWS::SQS::Queue'),
);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const logId = idOf('ExchangeLog', 'AWS::DynamoDB::Table');

/** The API Gateway resource at a path such as `api/exchange/dead-letters`. */
function resourceAt(path: string): string {
  let parent: unknown = { 'Fn::GetAtt': [ofType('AWS::ApiGateway::RestApi')[0]![0], 'RootResourceId'] };
  let id = '';
  for (const part of path.split('/')) {
    [id] = ofType('AWS::ApiGateway::Resource').find(
      ([, r]) => r.Properties.PathPart === part && JSON.stringify(r.Properties.ParentId) === JSON.stringify(parent),
    )!;
    parent = { Ref: id };
  }
  return id;
}

const ROUTES = [
  ['GET', 'api/exchange/health'],
  ['GET', 'api/exchange/dead-letters'],
  ['POST', 'api/exchange/dead-letters/redrive'],
  ['GET', 'api/exchange/breaches'],
] as const;
const WHOAMI = ['GET', 'api/whoami'] as const;

function methodOf(httpMethod: string, path: string): [string, CfnResource] {
  const resourceId = resourceAt(path);
  return ofType('AWS::ApiGateway::Method').find(
    ([, m]) => m.Properties.HttpMethod === httpMethod && logicalIdOf(m.Properties.ResourceId) === resourceId,
  )!;
}

/** The statements of an IAM role's policies, rendered to text for matching method ARNs. */
function invokesOf(roleLogicalId: string): string[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => logicalIdOf(r) === roleLogicalId))
    .flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string; Resource: unknown }[] }).Statement,
    )
    .filter((s) => s.Action === 'execute-api:Invoke')
    .flatMap((s) => [s.Resource].flat().map((r) => renderIntrinsic(r)));
}

describe('exchange routes on AWS', () => {
  it('serve the console\u2019s four exchange routes from one function, IAM-authorised', () => {
    for (const [httpMethod, path] of ROUTES) {
      const [, method] = methodOf(httpMethod, path);
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'AWS_IAM',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method.Properties.Integration)).toContain(fnId);
    }
  });

  it('make API Gateway refuse a redrive that names no queue', () => {
    const [, redrive] = methodOf('POST', 'api/exchange/dead-letters/redrive');
    const [validatorId] = ofType('AWS::ApiGateway::RequestValidator')[0]!;
    expect(redrive.Properties).toMatchObject({
      RequestParameters: { 'method.request.querystring.queue': true },
      RequestValidatorId: { Ref: validatorId },
    });
  });

  it(
    'answer the console sign-in\u2019s GET /api/whoami from the role names: operators\u2019 and agencies\u2019 by ' +
      'reference',
    () => {
      const [, method] = methodOf(...WHOAMI);
      const [whoamiId, whoami] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('ExchangeRoutesWhoami'))!;
      expect(method.Properties).toMatchObject({ AuthorizationType: 'AWS_IAM' });
      expect(JSON.stringify(method.Properties.Integration)).toContain(whoamiId);
      const env = (whoami.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.parse(renderIntrinsic(env.OPERATOR_ROLES))).toEqual(
        Object.fromEntries(
          MINISTRIES.map((m) => [`<Ref:${idOf(`ApisOperator${m.replace(/-/g, '')}`, 'AWS::IAM::Role')}>`, m]),
        ),
      );
      expect(JSON.parse(renderIntrinsic(env.AGENCY_ROLES))).toEqual(
        Object.fromEntries(
          TOPOLOGY.agencies.map((a) => [
            `<Ref:${idOf(`ExchangePublisher${a.id.replace(/-/g, '')}`, 'AWS::IAM::Role')}>`,
            a.id,
          ]),
        ),
      );
      // It reads nothing: its role may write its own log group and no more.
      const whoamiRole = logicalIdOf(whoami.Properties.Role)!;
      const policies = ofType('AWS::IAM::Policy').filter(([, p]) =>
        (p.Properties.Roles as unknown[]).some((r) => logicalIdOf(r) === whoamiRole),
      );
      // Its own log group and its own traces (X-Ray's actions take no resource), nothing else.
      expect(
        policies.flatMap(([, p]) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown }[] }).Statement.map((st) => st.Action),
        ),
      ).toEqual([
        ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ]);
    },
  );

  it(
    'let each ministry\u2019s operator and the platform operator invoke exactly these routes; agencies only the ' +
      'breaches and whoami',
    () => {
      const exchangeArns = (role: string) =>
        invokesOf(role).filter((arn) => arn.includes('/api/exchange/') || arn.includes('/api/whoami'));
      const expected = [...ROUTES, WHOAMI].map(([m, p]) => `/${m}/${p}`);
      const operatorIds = MINISTRIES.map((m) => idOf(`ApisOperator${m.replace(/-/g, '')}`, 'AWS::IAM::Role'));
      const platformId = idOf('ExchangeRoutesPlatformOperator', 'AWS::IAM::Role');
      for (const id of [...operatorIds, platformId]) {
        const arns = exchangeArns(id);
        expect(arns.map((arn) => arn.replace(/^.*<Ref:[A-Za-z0-9]+DeploymentStage[A-Za-z0-9]+>/, ''))).toEqual(
          expected,
        );
        // No wildcard: each method by its ARN.
        for (const arn of arns) expect(arn).not.toContain('*');
      }
      expect(
        invokesOf(platformId).filter((arn) => !arn.includes('/api/exchange/') && !arn.endsWith('/GET/api/whoami')),
      ).toEqual([]);
      for (const agency of TOPOLOGY.agencies) {
        const id = idOf(`ExchangePublisher${agency.id.replace(/-/g, '')}`, 'AWS::IAM::Role');
        expect(exchangeArns(id).map((arn) => arn.replace(/^.*DeploymentStage[A-Za-z0-9]+>/, ''))).toEqual([
          '/GET/api/exchange/breaches',
          '/GET/api/whoami',
        ]);
      }
      template.hasOutput('PlatformOperatorRole', { Value: { 'Fn::GetAtt': [platformId, 'Arn'] } });
    },
  );

  it(
    'give the function the subscription queues, the metrics and the breaches index, and nothing else (least ' +
      'privilege)',
    () => {
      const byActions = Object.fromEntries(statements.map((s) => [[s.Action].flat().join(','), s.Resource]));
      expect(byActions).toEqual({
        'sqs:GetQueueAttributes': [...queueIds.map(arnOf), ...deadLetterIds.map(arnOf)],
        'sqs:ReceiveMessage,sqs:ChangeMessageVisibility,sqs:StartMessageMoveTask,sqs:DeleteMessage':
          deadLetterIds.map(arnOf),
        'sqs:SendMessage': queueIds.map(arnOf),
        'dynamodb:Query': { 'Fn::Join': ['', [arnOf(logId), '/index/breaches']] },
        'cloudwatch:GetMetricData': '*',
        'xray:PutTraceSegments,xray:PutTelemetryRecords': '*',
        'logs:CreateLogStream,logs:PutLogEvents': arnOf(
          logicalIdOf((fn.Properties.LoggingConfig as { LogGroup: unknown }).LogGroup)!,
        ),
      });
      // The scheduled check's dead-letter queue is no subscription's: not in scope of any route.
      const scheduled = idOf('ApisScheduledCheckDeadLetters', 'AWS::SQS::Queue');
      expect(JSON.stringify(statements)).not.toContain(scheduled);
    },
  );

  it(
    'configure the function with the queues by reference, each role as its caller, and the scopes the local cloud ' +
      'applies',
    () => {
      const config = parseConfig(renderIntrinsic(variables[CONFIG_ENV]));
      expect(config.queues).toEqual(
        Object.fromEntries(
          TOPOLOGY.subscriptions.map((s, i) => [
            s.name,
            [`<${queueIds[i]}.QueueName>`, `<${deadLetterIds[i]}.QueueName>`],
          ]),
        ),
      );
      expect(config).toMatchObject({
        queueUrlPrefix: 'https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/',
        logSubscription: 'exchange-log',
        breachesTable: `<Ref:${logId}>`,
      });
      const callers: Caller[] = [
        { kind: 'platform' },
        ...MINISTRIES.map((ministry): Caller => ({ kind: 'operator', ministry })),
        ...TOPOLOGY.agencies.map((a): Caller => ({ kind: 'agency', id: a.id, sources: a.sources })),
      ];
      expect(config.scopes).toEqual(scopesFor(TOPOLOGY, callers));
      expect(config.roles).toEqual({
        [`<Ref:${idOf('ExchangeRoutesPlatformOperator', 'AWS::IAM::Role')}>`]: 'platform',
        ...Object.fromEntries(
          MINISTRIES.map((m) => [
            `<Ref:${idOf(`ApisOperator${m.replace(/-/g, '')}`, 'AWS::IAM::Role')}>`,
            `operator:${m}`,
          ]),
        ),
        ...Object.fromEntries(
          TOPOLOGY.agencies.map((a) => [
            `<Ref:${idOf(`ExchangePublisher${a.id.replace(/-/g, '')}`, 'AWS::IAM::Role')}>`,
            `agency:${a.id}`,
          ]),
        ),
      });
    },
  );

  it('fit Lambda\u2019s 4 KB of environment with the longest names CloudFormation generates', () => {
    // Queue names up to 80 characters, role names up to 64, table names as CloudFormation
    // generates them (stack, id, suffix).
    const longest = (intrinsic: string) =>
      intrinsic.endsWith('.QueueName')
        ? 'q'.repeat(80)
        : intrinsic === 'Ref:AWS::Region'
          ? 'ap-southeast-3'
          : intrinsic === 'Ref:AWS::URLSuffix'
            ? 'amazonaws.com.cn'
            : intrinsic === 'Ref:AWS::AccountId'
              ? '1'.repeat(12)
              : intrinsic.startsWith(`Ref:${logId}`)
                ? 't'.repeat(128)
                : 'r'.repeat(64);
    const size = Object.entries(variables).reduce(
      (n, [key, value]) => n + key.length + renderIntrinsic(value, longest).length,
      0,
    );
    console.log(`exchange API function environment at the longest names: ${size} bytes`);
    expect(size).toBeLessThan(4096);
  });

  it('alarm on the function\u2019s errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      Threshold: 0,
    });
    expect(json.Outputs?.PlatformOperatorRole).toBeDefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: Match.anyValue() } })] },
      Description: Match.stringLikeRegexp('^Platform operators'),
    });
  });
});
