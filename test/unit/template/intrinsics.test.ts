import { describe, expect, it } from 'vitest';
import { IntrinsicError, type ResolveContext, resolveValue } from '../../../infra/local/template/intrinsics.ts';

const context: ResolveContext = {
  pseudo: {
    region: 'us-east-1',
    accountId: '000000000000',
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    stackName: 'MxLocal',
  },
  ref: (id) =>
    ({ Table: 'ExchangeLog', Secret: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:PersonKeySecret' })[id],
  getAtt: (id, attribute) => (id === 'Queue' && attribute === 'QueueName' ? 'mx-berkut' : undefined),
  dynamicReference: (service, reference) =>
    service === 'secretsmanager' &&
    reference.startsWith('arn:aws:secretsmanager:us-east-1:000000000000:secret:PersonKeySecret')
      ? 's3cret'
      : undefined,
  conditions: {
    IsLocal: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    NotLocal: { 'Fn::Not': [{ Condition: 'IsLocal' }] },
  },
};
const resolve = (value: unknown) => resolveValue(value, context, 'Fn.Properties.X');

describe('the intrinsic resolver', () => {
  it('resolves Ref, Fn::GetAtt (both forms) and the pseudo parameters', () => {
    expect(resolve({ Ref: 'Table' })).toBe('ExchangeLog');
    expect(resolve({ 'Fn::GetAtt': ['Queue', 'QueueName'] })).toBe('mx-berkut');
    expect(resolve({ 'Fn::GetAtt': 'Queue.QueueName' })).toBe('mx-berkut');
    expect(
      resolve(
        ['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map((Ref) => ({ Ref })),
      ),
    ).toEqual(['us-east-1', '000000000000', 'aws', 'amazonaws.com', 'MxLocal']);
  });

  it('joins, substitutes, splits and selects', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Table' }]] })).toBe('a/ExchangeLog');
    // The `${…}` below are Fn::Sub placeholders (`${!…}` is its escape), not JavaScript template slots.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Fn::Sub template, the input under test
    const arnSub = 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table} ${!Literal}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub turns the escape `${!Literal}` into this text
    const arnResolved = 'arn:aws:dynamodb:us-east-1:000000000000:table/ExchangeLog ${Literal}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Fn::Sub template with a variable map, under test
    const nameSub = '${Name}-${Queue.QueueName}';
    expect(resolve({ 'Fn::Sub': arnSub })).toBe(arnResolved);
    expect(resolve({ 'Fn::Sub': [nameSub, { Name: { Ref: 'Table' } }] })).toBe('ExchangeLog-mx-berkut');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] })).toBe('b');
  });

  it('chooses by the template\u2019s conditions', () => {
    expect(resolve({ 'Fn::If': ['IsLocal', 'yes', 'no'] })).toBe('yes');
    expect(resolve({ 'Fn::If': ['NotLocal', 'yes', 'no'] })).toBe('no');
  });

  it('replaces a secretsmanager dynamic reference, whole or inside a join, by the secret\u2019s value', () => {
    const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'Secret' }, ':SecretString:::}}']] };
    expect(resolve(reference)).toBe('s3cret');
    expect(resolve({ Variables: { PERSON_KEY_SECRET: reference } })).toEqual({
      Variables: { PERSON_KEY_SECRET: 's3cret' },
    });
  });

  it('fails naming the resource and property for what it cannot resolve', () => {
    expect(() => resolve({ 'Fn::Base64': 'x' })).toThrow(
      new IntrinsicError('Fn.Properties.X', 'Fn::Base64 is an intrinsic function the local cloud does not resolve'),
    );
    expect(() => resolve({ Ref: 'Nothing' })).toThrow(/^Fn\.Properties\.X: Ref to Nothing/);
    expect(() => resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toThrow(/Fn::GetAtt Queue\.Arn/);
    expect(() => resolve({ 'Fn::If': ['Missing', 1, 2] })).toThrow(/no condition Missing/);
    expect(() => resolve('{{resolve:ssm:/x}}')).toThrow(/dynamic reference \{\{resolve:ssm:\/x\}\}/);
    expect(() => resolveValue({ A: [{ Ref: 'Nothing' }] }, context, 'Fn.Properties')).toThrow(
      /^Fn\.Properties\.A\[0\]/,
    );
  });
});
