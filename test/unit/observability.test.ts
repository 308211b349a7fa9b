import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../functions/lib/observability.ts';

/**
 * The EMF lines written to stdout while `run` runs, with POWERTOOLS_METRICS_DISABLED absent from the process's
 * environment, as in the local cloud, which sets it in each function's own environment only.
 */
function emfWhile(run: () => void): Record<string, unknown>[] {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    vi.restoreAllMocks();
    if (saved !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
  return written.filter((line) => line.includes('_aws')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Powertools flushes a buffer of 100 values by itself, so metrics that still recorded while switched off printed
 * EMF lines onto `npm start`'s output (and into `npm run chaos -- --json`).
 */
describe('metrics and the function environment', () => {
  afterEach(() => vi.restoreAllMocks());

  it('print nothing when switched off, however many values a handler adds', () => {
    const o = observability({ POWERTOOLS_METRICS_DISABLED: 'true' }, 'test-service');
    const emf = emfWhile(() => {
      for (let i = 0; i < 250; i++) o.metrics.addMetric('EventsProjected', MetricUnit.Count, 1);
      o.metrics.publishStoredMetrics();
    });
    expect(o.metricsEnabled).toBe(false);
    expect(emf).toEqual([]);
  });

  it('are recorded and flushed when on', () => {
    const o = observability({}, 'test-service');
    const emf = emfWhile(() => {
      o.metrics.addMetric('EventsProjected', MetricUnit.Count, 3);
      o.metrics.publishStoredMetrics();
    });
    expect(emf).toHaveLength(1);
    expect(emf[0]?.EventsProjected).toBe(3);
  });
});
