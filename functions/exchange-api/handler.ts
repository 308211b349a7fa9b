/**
 * The exchange API on AWS (API Gateway REST, IAM-authorised): the health,
 * dead-letter and breaches routes the operator console's exchange page reads,
 * answered from SQS, CloudWatch and the exchange log (./routes.ts), scoped by
 * the IAM role that signed the request. Refusals are 4xx naming the
 * parameter or rule; internals never reach the caller.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { documentClient } from '../lib/document-client.ts';
import { type HandlerDeps, lambdaEntry } from '../lib/lambda-entry.ts';
import { observability, observed, traced } from '../lib/observability.ts';
import { CONFIG_ENV, type ExchangeApiConfig, parseConfig } from './config.ts';
import { cloudWatchReader } from './metrics.ts';
import { answer, type ExchangePorts } from './routes.ts';
import { ExchangeRefusal } from './scope.ts';

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export interface ErrorLog {
  error(message: string, extra: Record<string, unknown>): void;
}

/** Answers API Gateway proxy events from `ports`; refusals are 4xx, its own failures a 500 that says nothing inside. */
export function exchangeApi(config: ExchangeApiConfig, ports: ExchangePorts, log?: ErrorLog) {
  return async function respond(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    try {
      const body = await answer(
        config,
        {
          resource: event.resource ?? event.path,
          method: event.httpMethod,
          query: event.queryStringParameters,
          callerArn: event.requestContext?.identity?.userArn,
        },
        ports,
      );
      return json(200, body);
    } catch (error) {
      if (error instanceof ExchangeRefusal)
        return json(error.status, { error: { code: error.code, message: error.message } });
      log?.error('exchange request failed', { error: error as Error, resource: event.resource });
      return json(500, { error: { code: 'internal', message: 'the exchange could not be read; retry later' } });
    }
  };
}

export function createHandler(
  deps: HandlerDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const config = parseConfig(deps.env[CONFIG_ENV]);
  const o = observability(deps.env, 'exchange-api');
  const ports: ExchangePorts = {
    sqs: traced(o, new SQSClient(deps.aws)),
    metrics: cloudWatchReader(traced(o, new CloudWatchClient(deps.aws))),
    dynamo: documentClient(traced(o, new DynamoDBClient(deps.aws))),
  };
  const respond = exchangeApi(config, ports, o.logger);
  return observed(o, async (event: APIGatewayProxyEvent) => {
    const response = await respond(event);
    o.metrics.addMetric(
      response.statusCode < 400 ? 'ExchangeReadsAnswered' : 'ExchangeReadsRefused',
      MetricUnit.Count,
      1,
    );
    return response;
  });
}

export const handler = lambdaEntry(createHandler);
