/**
 * GET /api/whoami as a pure function of the caller's IAM ARN: the role names
 * CDK generates on AWS and the local cloud's, assumed roles and plain role
 * ARNs, and callers that are neither operators nor agencies. The Lambda
 * handler answers the same from its environment.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type RoleDirectory, roleNameOf, whoami } from '../../functions/query-api/whoami.ts';

// Role names as CDK generates them for the stack's operator and agency roles.
const roles: RoleDirectory = {
  operators: {
    'MigrationExchange-ApiOperatorlabour1A2B3C4D-XyZ0123abcd': 'labour',
    'mx-operator-interior': 'interior',
  },
  agencies: { 'MigrationExchange-BusPublisherlabourE5F6-QwErTy987': 'labour' },
};

describe('whoami', () => {
  it('reads the role from assumed-role and role ARNs', () => {
    expect(
      roleNameOf(
        'arn:aws:sts::123456789012:assumed-role/' +
          'MigrationExchange-ApiOperatorlabour1A2B3C4D-XyZ0123abcd/alice@example.kz',
      ),
    ).toBe('MigrationExchange-ApiOperatorlabour1A2B3C4D-XyZ0123abcd');
    expect(roleNameOf('arn:aws:iam::123456789012:role/service-role/mx-operator-interior')).toBe('mx-operator-interior');
    expect(roleNameOf('arn:aws-us-gov:sts::123456789012:assumed-role/mx-operator-interior/s')).toBe(
      'mx-operator-interior',
    );
    expect(roleNameOf('arn:aws:iam::123456789012:user/admin')).toBeUndefined();
    expect(roleNameOf('arn:aws:iam::123456789012:root')).toBeUndefined();
  });

  it('answers the caller’s kind and ministry', () => {
    const operatorArn =
      'arn:aws:sts::123456789012:assumed-role/MigrationExchange-ApiOperatorlabour1A2B3C4D-XyZ0123abcd/alice';
    expect(whoami(operatorArn, roles)).toEqual({ kind: 'operator', ministry: 'labour', arn: operatorArn });
    expect(whoami('arn:aws:sts::000000000000:assumed-role/mx-operator-interior/local', roles)).toMatchObject({
      kind: 'operator',
      ministry: 'interior',
    });
    expect(
      whoami('arn:aws:sts::123456789012:assumed-role/MigrationExchange-BusPublisherlabourE5F6-QwErTy987/system', roles),
    ).toMatchObject({ kind: 'agency', ministry: 'labour' });
  });

  it('knows no one else, whatever the role is called', () => {
    for (const arn of [
      'arn:aws:iam::000000000000:root',
      'arn:aws:iam::1:user/admin',
      'arn:aws:sts::1:assumed-role/constructor/x',
      'arn:aws:sts::1:assumed-role/__proto__/x',
      'arn:aws:sts::1:assumed-role/toString/x',
      '',
      'not an arn',
    ]) {
      expect(whoami(arn, roles), arn).toEqual({ kind: 'unknown', arn });
    }
    expect(whoami(undefined, roles)).toEqual({ kind: 'unknown', arn: '' });
  });
});

describe('whoami as a Lambda', () => {
  const env = {
    OPERATOR_ROLES: JSON.stringify(roles.operators),
    AGENCY_ROLES: JSON.stringify(roles.agencies),
    POWERTOOLS_METRICS_DISABLED: 'true',
  };

  const event = (userArn: string, httpMethod = 'GET') =>
    ({ httpMethod, path: '/api/whoami', requestContext: { identity: { userArn } } }) as unknown as APIGatewayProxyEvent;

  it('answers API Gateway’s event from the caller’s ARN', async () => {
    const { createHandler } = await import('../../functions/query-api/whoami-handler.ts');
    const handler = createHandler({ env, aws: {} });
    const answer = (event: APIGatewayProxyEvent) =>
      handler(event, { functionName: 'whoami', awsRequestId: '1' } as Context);
    const result = await answer(
      event('arn:aws:sts::1:assumed-role/MigrationExchange-ApiOperatorlabour1A2B3C4D-XyZ0123abcd/bob'),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ kind: 'operator', ministry: 'labour' });
    expect((await answer(event('arn:aws:sts::1:assumed-role/x/y', 'POST'))).statusCode).toBe(405);
  });
});

describe('a role directory lookup (the command API’s agency check)', () => {
  it('reads the same role names as whoami, and finds no agency in a role named after an Object property', async () => {
    const { roleEntry: agencyOf } = await import('../../functions/lib/role-name.ts');
    expect(
      agencyOf('arn:aws:sts::1:assumed-role/MigrationExchange-BusPublisherlabourE5F6-QwErTy987/s', roles.agencies),
    ).toBe('labour');
    expect(
      agencyOf('arn:aws:iam::1:role/service-role/MigrationExchange-BusPublisherlabourE5F6-QwErTy987', roles.agencies),
    ).toBe('labour');
    for (const arn of [
      'arn:aws:sts::1:assumed-role/constructor/s',
      'arn:aws:sts::1:assumed-role/__proto__/s',
      'arn:aws:iam::1:user/MigrationExchange-BusPublisherlabourE5F6-QwErTy987',
      '',
      null,
      undefined,
    ]) {
      expect(agencyOf(arn, roles.agencies), String(arn)).toBeUndefined();
    }
  });
});
