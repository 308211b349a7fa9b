/**
 * Logs, metrics and traces for every handler, configured from the function's
 * environment (`deps.env`), never from the process around it: the local cloud
 * builds many functions in one process, each with its own environment.
 *
 * Metrics are EMF lines on stdout; the local cloud sets
 * POWERTOOLS_METRICS_DISABLED=true (it shows breaches and dead letters
 * itself). Powertools' Metrics reads that switch from `process.env` only, so
 * the switch is applied here: a disabled function never attaches the
 * middleware that flushes, and its metrics keep nothing (Powertools flushes
 * a buffer of 100 values itself, which would print EMF on the cloud's output). Tracing runs only on Lambda
 * (Tracer checks the execution environment) and not when
 * POWERTOOLS_TRACE_ENABLED=false.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { HandlerDeps } from './lambda-entry.ts';

/** The CloudWatch namespace of the platform's metrics (the stack's alarms watch it). */
export const METRICS_NAMESPACE = 'MigrationExchange';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  /** False where POWERTOOLS_METRICS_DISABLED=true: nothing may be flushed. */
  readonly metricsEnabled: boolean;
}

const isFalse = (value: string | undefined) => value?.trim().toLowerCase() === 'false';
const isTrue = (value: string | undefined) => ['true', '1', 'yes', 'on'].includes(value?.trim().toLowerCase() ?? '');

/** What a function with metrics switched off records: nothing, so nothing can ever be flushed. */
class DisabledMetrics extends Metrics {
  override addMetric(): this {
    return this;
  }
  override publishStoredMetrics(): this {
    return this;
  }
}

/** `service` names the handler in logs, metrics and traces (the stack's alarms use it as the metric dimension). */
export function observability(env: HandlerDeps['env'], service: string): Observability {
  const logLevel = env.POWERTOOLS_LOG_LEVEL as LogLevel | undefined;
  const metricsEnabled = !isTrue(env.POWERTOOLS_METRICS_DISABLED);
  const metricsOptions = { namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: service };
  return {
    logger: new Logger({ serviceName: service, ...(logLevel ? { logLevel } : {}) }),
    metrics: metricsEnabled ? new Metrics(metricsOptions) : new DisabledMetrics(metricsOptions),
    tracer: new Tracer({ serviceName: service, enabled: !isFalse(env.POWERTOOLS_TRACE_ENABLED) }),
    metricsEnabled,
  };
}

/** A handler wrapped in the logger's context, the tracer's segment and (where enabled) the metrics flush. */
export function observed<E, R>(
  o: Observability,
  handler: (event: E, context: import('aws-lambda').Context) => Promise<R>,
) {
  const wrapped = middy<E, R>().use(injectLambdaContext(o.logger)).use(captureLambdaHandler(o.tracer));
  return (o.metricsEnabled ? wrapped.use(logMetrics(o.metrics)) : wrapped).handler(handler);
}

/** An SDK client whose calls the tracer records as subsegments (unchanged where tracing is off). */
export function traced<C>(o: Observability, client: C): C {
  return o.tracer.captureAWSv3Client(client) ?? client;
}
