/**
 * GET /api/whoami as a Lambda behind API Gateway's IAM authorisation, for
 * the AWS deployment: the same answer as the local cloud's built-in route
 * (whoami.ts). OPERATOR_ROLES and AGENCY_ROLES map the deployed role names
 * to ministries, as AGENCY_ROLES does for the command API.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requireEnv } from '../lib/env.ts';
import { whoami, type RoleDirectory } from './whoami.ts';

const roles: RoleDirectory = {
  operators: JSON.parse(requireEnv('OPERATOR_ROLES')) as RoleDirectory['operators'],
  agencies: JSON.parse(requireEnv('AGENCY_ROLES')) as RoleDirectory['agencies'],
};

export async function answer(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod !== 'GET') return { statusCode: 405, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'method-not-allowed', message: '/api/whoami takes GET' } }) };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(whoami(event.requestContext?.identity?.userArn, roles)) };
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(answer);
