/**
 * GET /api/whoami as a Lambda behind API Gateway's IAM authorisation, for
 * the AWS deployment: the same answer as the local cloud's built-in route
 * (whoami.ts). OPERATOR_ROLES and AGENCY_ROLES map the deployed role names
 * to ministries, as AGENCY_ROLES does for the command API.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { requireEnv } from '../lib/env.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { observability, observed } from '../lib/observability.ts';
import { type RoleDirectory, whoami } from './whoami.ts';

export function roleDirectory(env: HandlerDeps['env']): RoleDirectory {
  return {
    operators: JSON.parse(requireEnv('OPERATOR_ROLES', env)) as RoleDirectory['operators'],
    agencies: JSON.parse(requireEnv('AGENCY_ROLES', env)) as RoleDirectory['agencies'],
  };
}

export function whoamiAnswer(roles: RoleDirectory) {
  return async function answer(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (event.httpMethod !== 'GET')
      return {
        statusCode: 405,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'method-not-allowed', message: '/api/whoami takes GET' } }),
      };
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(whoami(event.requestContext?.identity?.userArn, roles)),
    };
  };
}

export function createHandler(
  deps: HandlerDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const answer = whoamiAnswer(roleDirectory(deps.env));
  const o = observability(deps.env, 'whoami');
  return observed(o, async (event: APIGatewayProxyEvent) => {
    o.metrics.addMetric('WhoamiAnswered', MetricUnit.Count, 1);
    return answer(event);
  });
}

export const handler = lambdaEntry(createHandler);
