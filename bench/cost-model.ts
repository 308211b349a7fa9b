/**
 * What a million events would cost on AWS, modelled from what the local cloud
 * counted while serving them. Prices: us-east-1, on demand, as published on
 * 2026-11-01 (AWS pricing pages for DynamoDB, EventBridge, SQS, Lambda arm64).
 * Counted: DynamoDB request units (from item sizes, as AWS bills them),
 * events accepted, SQS deliveries (one SendMessage per matching rule and
 * event), Lambda invocations (one per delivered batch) and a receive and a
 * delete per batch. Assumed, not measured: Lambda duration (the local cloud
 * runs handlers in-process, without the network round trips a Lambda makes).
 */
export const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
} as const;

/**
 * Lambda duration assumed per batch invocation (512 MB): in-process time here is no guide to a Lambda's network waits.
 */
export const ASSUMED_INVOCATION_SECONDS = 0.15;
export const FUNCTION_MEMORY_GB = 0.5;

export interface Usage {
  readonly events: number;
  readonly commands: number;
  readonly dynamoRequests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Messages delivered to subscription queues (an event matching k rules counts k times). */
  readonly deliveries: number;
  /** Handler invocations (batches), subscriptions and command/query API calls together. */
  readonly invocations: number;
}

export interface CostPerMillionEvents {
  readonly dynamodb: number;
  readonly eventbridge: number;
  readonly sqs: number;
  readonly lambda: number;
  readonly total: number;
}

/** USD per million events, by service. */
export function costPerMillionEvents(usage: Usage): CostPerMillionEvents {
  const perEvent = (n: number) => (n / usage.events) * 1e6;
  const dynamodb =
    perEvent(usage.writeUnits) * PRICES.dynamoWriteUnit + perEvent(usage.readUnits) * PRICES.dynamoReadUnit;
  const eventbridge = 1e6 * PRICES.eventBridgeEvent;
  // Each delivery is a SendMessage; each batch costs a ReceiveMessage and a DeleteMessageBatch.
  const sqs = (perEvent(usage.deliveries) + 2 * perEvent(usage.invocations)) * PRICES.sqsRequest;
  const lambda =
    perEvent(usage.invocations) *
    (PRICES.lambdaRequest + ASSUMED_INVOCATION_SECONDS * FUNCTION_MEMORY_GB * PRICES.lambdaGbSecondArm);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    dynamodb: round(dynamodb),
    eventbridge: round(eventbridge),
    sqs: round(sqs),
    lambda: round(lambda),
    total: round(dynamodb + eventbridge + sqs + lambda),
  };
}
