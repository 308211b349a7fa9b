/**
 * The exchange API on AWS (API Gateway REST, IAM-authorised): the health,
 * dead-letter and breaches routes the operator console's exchange page reads,
 * answered from SQS, CloudWatch and the exchange log (./routes.ts), scoped by
 * the IAM role that signed the request. Refusals are 4xx naming the
 * parameter or rule; internals never reach the caller.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamo } from '../lib/clients.ts';
import { CONFIG_ENV, parseConfig } from './config.ts';
import { cloudWatchReader } from './metrics.ts';
import { answer, type ExchangePorts } from './routes.ts';
import { ExchangeRefusal } from './scope.ts';

const logger = new Logger({ serviceName: 'exchange-api' });
const config = parseConfig(process.env[CONFIG_ENV]);
let ports: ExchangePorts | undefined;

/** Clients created on first use and kept for the container's life. */
function defaultPorts(): ExchangePorts {
  ports ??= { sqs: new SQSClient({}), metrics: cloudWatchReader(new CloudWatchClient({})), dynamo: dynamo() };
  return ports;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) });

export async function respond(event: APIGatewayProxyEvent, with_: ExchangePorts = defaultPorts()): Promise<APIGatewayProxyResult> {
  try {
    const body = await answer(
      config,
      { resource: event.resource ?? event.path, method: event.httpMethod, query: event.queryStringParameters, callerArn: event.requestContext?.identity?.userArn },
      with_,
    );
    return json(200, body);
  } catch (error) {
    if (error instanceof ExchangeRefusal) return json(error.status, { error: { code: error.code, message: error.message } });
    logger.error('exchange request failed', { error: error as Error, resource: event.resource });
    return json(500, { error: { code: 'internal', message: 'the exchange could not be read; retry later' } });
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .handler((event) => respond(event));
