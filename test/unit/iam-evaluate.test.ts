import { describe, expect, it } from 'vitest';
import { type AuthorizationRequest, evaluate, type RequestPrincipal } from '../../infra/local/iam/evaluate.ts';
import { actionMatches, arnMatches, iamPattern } from '../../infra/local/iam/matching.ts';
import { type Policy, readPolicy } from '../../infra/local/iam/policy.ts';

const asIs = (v: unknown) => String(v);
const policy = (...Statement: unknown[]): Policy => readPolicy('test', { Version: '2012-10-17', Statement }, asIs);
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Log';
const put = (context: AuthorizationRequest['context'] = {}): AuthorizationRequest => ({
  action: 'dynamodb:PutItem',
  resource: TABLE,
  context,
});
const effect = (...args: Parameters<typeof evaluate>) => evaluate(...args).effect;

describe('IAM evaluation: deny, allow, implicit deny', () => {
  it('allows what an Allow names and implicitly denies the rest', () => {
    const p = policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE });
    expect(effect(put(), [p])).toBe('allow');
    expect(effect({ ...put(), action: 'dynamodb:DeleteItem' }, [p])).toBe('implicit-deny');
    expect(effect({ ...put(), resource: `${TABLE}2` }, [p])).toBe('implicit-deny');
    expect(effect(put(), [])).toBe('implicit-deny');
  });

  it('an explicit Deny beats any Allow, in whichever policy it is', () => {
    const allow = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
    const deny = policy({ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: TABLE });
    expect(effect(put(), [allow, deny])).toBe('explicit-deny');
    expect(effect(put(), [deny, allow])).toBe('explicit-deny');
  });

  it('NotAction and NotResource match everything but what they list', () => {
    const p = policy({ Effect: 'Allow', NotAction: 'dynamodb:Delete*', NotResource: `${TABLE}/index/*` });
    expect(effect(put(), [p])).toBe('allow');
    expect(effect({ ...put(), action: 'dynamodb:DeleteItem' }, [p])).toBe('implicit-deny');
    expect(effect({ ...put(), resource: `${TABLE}/index/byDay` }, [p])).toBe('implicit-deny');
  });

  it('action names compare case-insensitively, resources case-sensitively', () => {
    const p = policy({ Effect: 'Allow', Action: 'DynamoDB:putitem', Resource: TABLE });
    expect(effect(put(), [p])).toBe('allow');
    expect(effect({ ...put(), resource: TABLE.replace('Log', 'log') }, [p])).toBe('implicit-deny');
  });
});

describe('IAM wildcards', () => {
  it('* spans any run and ? exactly one character', () => {
    expect(actionMatches('dynamodb:*Item', 'dynamodb:BatchGetItem')).toBe(true);
    expect(actionMatches('dynamodb:?etItem', 'dynamodb:GetItem')).toBe(true);
    expect(actionMatches('dynamodb:?etItem', 'dynamodb:GetItems')).toBe(false);
    expect(iamPattern('a?c*e').matches('abcde')).toBe(true);
    expect(iamPattern('a?c*e').matches('acde')).toBe(false);
    expect(iamPattern('#merkle*').matches('#merkle#3')).toBe(true);
    expect(iamPattern('#merkle#*').matches('#merkle')).toBe(false);
  });

  it('a backslash is literal, not an escape', () => {
    expect(iamPattern('a\\*').matches('a\\bc')).toBe(true);
    expect(iamPattern('a\\*').matches('a*')).toBe(false);
  });

  it('ARN parts match one by one; a star in the region does not eat the account', () => {
    expect(arnMatches('arn:aws:dynamodb:*:000000000000:table/Log', TABLE)).toBe(true);
    expect(arnMatches('arn:aws:dynamodb:*:111111111111:table/Log', TABLE)).toBe(false);
    expect(arnMatches('arn:aws:dynamodb:us-east-1:000000000000:table/*', `${TABLE}/index/byDay`)).toBe(true);
    expect(
      arnMatches(
        'arn:aws:execute-api:us-east-1:0:api/v1/GET/api/views/interior/*',
        'arn:aws:execute-api:us-east-1:0:api/v1/GET/api/views/labour/x',
      ),
    ).toBe(false);
    expect(arnMatches('*', 'not-an-arn')).toBe(true);
  });

  it('matching a pattern of many stars against a long value stays linear (step-counted)', () => {
    const meter = { steps: 0 };
    const value = 'a'.repeat(2000);
    expect(iamPattern('*a*a*a*a*b').matches(value, meter)).toBe(false);
    expect(meter.steps).toBeLessThan(4 * 2 * value.length + 100);
  });
});

describe('IAM conditions', () => {
  const source = (operator: string, values: unknown) =>
    policy({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: '*',
      Condition: { [operator]: { 'events:source': values } },
    });
  const putEvents = (src?: string): AuthorizationRequest => ({
    action: 'events:PutEvents',
    resource: 'arn:aws:events:us-east-1:0:event-bus/b',
    context: src === undefined ? {} : { 'events:source': src },
  });

  it('StringEquals: values OR-ed; an absent key does not match', () => {
    const p = source('StringEquals', ['kz.interior.berkut', 'kz.labour.qandas']);
    expect(effect(putEvents('kz.labour.qandas'), [p])).toBe('allow');
    expect(effect(putEvents('kz.labour.foreign-labour'), [p])).toBe('implicit-deny');
    expect(effect(putEvents(), [p])).toBe('implicit-deny');
  });

  it('StringNotEquals: an absent key matches (negated operators)', () => {
    const p = source('StringNotEquals', 'kz.interior.berkut');
    expect(effect(putEvents('kz.labour.qandas'), [p])).toBe('allow');
    expect(effect(putEvents('kz.interior.berkut'), [p])).toBe('implicit-deny');
    expect(effect(putEvents(), [p])).toBe('allow');
  });

  it('StringLike uses IAM wildcards; StringEqualsIfExists lets an absent key pass', () => {
    expect(effect(putEvents('kz.interior.x'), [source('StringLike', 'kz.interior.*')])).toBe('allow');
    expect(effect(putEvents('kz.labour.x'), [source('StringLike', 'kz.interior.*')])).toBe('implicit-deny');
    expect(effect(putEvents(), [source('StringEqualsIfExists', 'x')])).toBe('allow');
  });

  it('keys and operators are AND-ed; condition keys are case-insensitive', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: '*',
      Condition: {
        StringEquals: { 'Events:Source': 'a', 'events:detail-type': 'T' },
        StringLike: { 'events:source': '?' },
      },
    });
    const request = (detailType: string) => ({
      ...putEvents('a'),
      context: { 'events:source': 'a', 'events:detail-type': detailType },
    });
    expect(effect(request('T'), [p])).toBe('allow');
    expect(effect(request('U'), [p])).toBe('implicit-deny');
  });

  it('ArnEquals / ArnLike compare ARNs part by part', () => {
    const rule = 'arn:aws:events:us-east-1:0:rule/bus/berkut';
    const queue = (operator: string, value: string) =>
      policy({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { [operator]: { 'aws:SourceArn': value } },
      });
    const events: RequestPrincipal = { kind: 'service', service: 'events.amazonaws.com' };
    const send = (sourceArn: string): AuthorizationRequest => ({
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:us-east-1:0:q',
      context: { 'aws:sourcearn': sourceArn },
    });
    expect(effect(send(rule), [], [queue('ArnEquals', rule)], events)).toBe('allow');
    expect(effect(send(`${rule}2`), [], [queue('ArnEquals', rule)], events)).toBe('implicit-deny');
    expect(effect(send(rule), [], [queue('ArnLike', 'arn:aws:events:*:0:rule/bus/*')], events)).toBe('allow');
    expect(
      effect(
        send('arn:aws:events:us-east-1:1:rule/bus/x'),
        [],
        [queue('ArnLike', 'arn:aws:events:*:0:rule/bus/*')],
        events,
      ),
    ).toBe('implicit-deny');
  });

  it('Bool on aws:SecureTransport: the TLS Deny applies only to insecure requests', () => {
    const allow = policy({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' });
    const tls = policy({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const who: RequestPrincipal = {
      kind: 'role',
      arn: 'arn:aws:sts::0:assumed-role/r/s',
      roleArn: 'arn:aws:iam::0:role/r',
      account: '0',
    };
    const receive = (secure: boolean): AuthorizationRequest => ({
      action: 'sqs:ReceiveMessage',
      resource: 'arn:aws:sqs:us-east-1:0:q',
      context: { 'aws:securetransport': String(secure) },
    });
    expect(effect(receive(true), [allow], [tls], who)).toBe('allow');
    expect(evaluate(receive(false), [allow], [tls], who)).toMatchObject({ effect: 'explicit-deny', by: 'resource' });
  });

  it('ForAllValues: every request value must match; vacuously true when the key is absent', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#merkle*'] } },
    });
    expect(effect(put({ 'dynamodb:leadingkeys': ['#merkle#0'] }), [p])).toBe('allow');
    expect(effect(put({ 'dynamodb:leadingkeys': ['#merkle#0', 'person#1'] }), [p])).toBe('implicit-deny');
    expect(effect(put({}), [p])).toBe('allow');
    const exact = policy({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#merkle'] } },
    });
    expect(effect(put({ 'dynamodb:leadingkeys': ['#merkle'] }), [exact])).toBe('allow');
    expect(effect(put({ 'dynamodb:leadingkeys': ['#merkle#1'] }), [exact])).toBe('implicit-deny');
  });

  it('ForAnyValue: one match suffices; absent is false', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['a'] } },
    });
    expect(effect(put({ 'dynamodb:leadingkeys': ['b', 'a'] }), [p])).toBe('allow');
    expect(effect(put({}), [p])).toBe('implicit-deny');
  });

  it('an unknown operator fails closed and names itself: an Allow does not apply, a Deny does', () => {
    const allow = policy({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
    });
    expect(evaluate(put(), [allow])).toEqual({ effect: 'implicit-deny', unsupported: ['NumericLessThan'] });
    const deny = policy({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    });
    const everything = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
    expect(evaluate(put(), [everything, deny])).toMatchObject({
      effect: 'explicit-deny',
      unsupported: 'DateGreaterThan',
    });
  });
});

describe('resource policies in the same account', () => {
  const who: RequestPrincipal = {
    kind: 'role',
    arn: 'arn:aws:sts::0:assumed-role/pub/s',
    roleArn: 'arn:aws:iam::0:role/pub',
    account: '0',
  };
  const request: AuthorizationRequest = {
    action: 'events:PutEvents',
    resource: 'arn:aws:events:us-east-1:0:event-bus/b',
    context: { 'events:source': 's' },
  };

  it('a resource policy naming the role allows without an identity policy', () => {
    const bus = policy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::0:role/pub' },
      Action: 'events:PutEvents',
      Resource: request.resource,
    });
    expect(evaluate(request, [], [bus], who)).toEqual({ effect: 'allow', by: 'resource' });
    const other = policy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::0:role/other' },
      Action: 'events:PutEvents',
      Resource: request.resource,
    });
    expect(effect(request, [], [other], who)).toBe('implicit-deny');
  });

  it('naming the account root delegates to identity policies rather than granting', () => {
    const bus = policy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::0:root' },
      Action: 'events:PutEvents',
      Resource: request.resource,
    });
    expect(effect(request, [], [bus], who)).toBe('implicit-deny');
  });
});

describe('values the resolver cannot resolve', () => {
  const resolve = (value: unknown) => {
    if (typeof value === 'string') return value;
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  const unknownArn = { 'Fn::GetAtt': ['Mystery', 'Arn'] };

  it('an Allow naming one grants nothing through it (and still grants what it resolves)', () => {
    const p = readPolicy(
      'p',
      { Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: [unknownArn, TABLE] }] },
      resolve,
    );
    expect(p.statements[0]?.resource).toEqual(['unresolved:{"Fn::GetAtt":["Mystery","Arn"]}', TABLE]);
    expect(effect(put(), [p])).toBe('allow');
    expect(effect({ ...put(), resource: `${TABLE}2` }, [p])).toBe('implicit-deny');
  });

  it('a Deny naming one applies to every resource, unconditionally: it refuses more, never less', () => {
    const allow = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
    const deny = readPolicy(
      'd',
      {
        Statement: [
          { Effect: 'Deny', Action: 'dynamodb:*', Resource: unknownArn, Condition: { Bool: { 'aws:x': 'true' } } },
        ],
      },
      resolve,
    );
    expect(effect(put(), [allow, deny])).toBe('explicit-deny');
    expect(effect({ ...put(), action: 'sqs:SendMessage' }, [allow, deny])).toBe('allow');
  });
});
