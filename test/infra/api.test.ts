import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_STAGE } from '../../infra/constructs/exchange-api.ts';
import { DEFAULT_API_RATE_LIMIT } from '../../infra/stacks/exchange-stack.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { logicalIdOf, templateOf } from './synth.ts';

const { template, resources, ofType } = templateOf();
const [stageId, stage] = ofType('AWS::ApiGateway::Stage')[0]!;
const [apiId] = ofType('AWS::ApiGateway::RestApi')[0]!;

describe('access log (the ministries\u2019 audit trail)', () => {
  const setting = stage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };

  it('writes one JSON line per request to its own log group, kept a year', () => {
    const groupId = logicalIdOf(setting.DestinationArn)!;
    expect(resources[groupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Delete',
    });
    template.hasOutput('ApiAccessLogGroup', { Value: { Ref: groupId } });
  });

  it('names the caller\u2019s IAM ARN, the request id, the resource path and the status', () => {
    const format = JSON.parse(setting.Format) as Record<string, string>;
    expect(format).toMatchObject({
      caller: '$context.identity.userArn',
      requestId: '$context.requestId',
      resourcePath: '$context.resourcePath',
      httpMethod: '$context.httpMethod',
      status: '$context.status',
      requestTime: '$context.requestTime',
    });
  });

  it('never logs a query string or a body (they carry the identities a person read looks up)', () => {
    expect(setting.Format).not.toMatch(/querystring|\$input|requestOverride|\$context\.path\?|body/i);
  });

  it('is kept when a production stack is deleted', () => {
    const prod = templateOf({ retainData: true });
    const [, prodStage] = prod.ofType('AWS::ApiGateway::Stage')[0]!;
    const groupId = logicalIdOf((prodStage.Properties.AccessLogSetting as { DestinationArn: unknown }).DestinationArn)!;
    expect(prod.resources[groupId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('request validation', () => {
  const [validatorId] = ofType('AWS::ApiGateway::RequestValidator')[0]!;

  it('validates bodies and parameters', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      RestApiId: { Ref: apiId },
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('checks every command body against the command model, whatever its Content-Type', () => {
    const [modelId, model] = ofType('AWS::ApiGateway::Model')[0]!;
    for (const spec of TOPOLOGY.commandApis) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        ResourceId: { Ref: Match.stringLikeRegexp(`commands${spec.system.replace(/-/g, '')}`) },
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { $default: { Ref: modelId } },
      });
    }
    const schema = model.Properties.Schema as Record<string, unknown>;
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      anyOf: [{ required: ['command', 'input'] }, { required: ['commands'] }],
      properties: {
        command: { type: 'string', minLength: 1 },
        input: { type: 'object' },
        commands: { type: 'array', minItems: 1, maxItems: 100 },
      },
    });
  });

  it('requires the {resource} of every view query', () => {
    for (const spec of TOPOLOGY.queryApis) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        ResourceId: { Ref: Match.stringLikeRegexp(`views${spec.ministry.replace(/-/g, '')}resource`) },
        RequestValidatorId: { Ref: validatorId },
        RequestParameters: { 'method.request.path.resource': true },
      });
    }
  });

  it('answers a refused body with the API\u2019s error shape, naming what failed validation', () => {
    for (const type of ['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        RestApiId: { Ref: apiId },
        ResponseType: type,
        StatusCode: '400',
        ResponseTemplates: {
          'application/json': Match.stringLikeRegexp(
            '"error":\\{"code":"invalid-.*"issues":"\\$context\\.error\\.validationErrorString"',
          ),
        },
      });
    }
  });
});

describe('firewall', () => {
  it('puts a regional WAF web ACL with AWS managed rules and a per-IP rate limit on the stage', () => {
    const [aclId] = ofType('AWS::WAFv2::WebACL')[0]!;
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        // In order of evaluation: known-bad addresses first, then the rate limit, before any rule inspects a request.
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: DEFAULT_API_RATE_LIMIT, AggregateKeyType: 'IP' } },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
        Match.objectLike({
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        }),
      ]),
    });
    template.hasResource('AWS::WAFv2::WebACLAssociation', {
      Properties: {
        WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
        ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: apiId }, '/stages/', { Ref: stageId }])] },
      },
      DependsOn: [stageId],
    });
  });

  it('lets a batch of commands over 8 KB through: the core rule set only counts large bodies', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
      ]),
    });
  });

  it('takes its rate limit from the props and is left out for LocalStack', () => {
    templateOf({ firewall: { rateLimitPerFiveMinutes: 600 } }).template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { RateBasedStatement: { Limit: 600, AggregateKeyType: 'IP' } } }),
      ]),
    });
    expect(templateOf({ firewall: false }).ofType('AWS::WAFv2::WebACL')).toHaveLength(0);
    expect(() => templateOf({ firewall: { rateLimitPerFiveMinutes: 5 } })).toThrow(
      /rateLimitPerFiveMinutes must be a whole number >= 10/,
    );
  });
});

describe('stage', () => {
  it('is the one the ApiUrl output names (smoke and agencies join their paths after it)', () => {
    expect(stage.Properties.StageName).toBe(API_STAGE);
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith([{ Ref: stageId }, '/'])] } });
  });
});
