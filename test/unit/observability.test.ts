import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../functions/lib/observability.ts';

/**
 * The local cloud runs every function with POWERTOOLS_METRICS_DISABLED=true in
 * the function's own environment, never in the process's. Powertools flushes a
 * buffer of 100 values by itself, so metrics that still recorded printed EMF
 * lines onto `npm start`'s output (and into `npm run chaos -- --json`).
 */
describe('metrics switched off in the function environment', () => {
  afterEach(() => vi.restoreAllMocks());

  it('print nothing, however many values a handler adds', () => {
    const saved = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const o = observability({ POWERTOOLS_METRICS_DISABLED: 'true' }, 'test-service');
      for (let i = 0; i < 250; i++) o.metrics.addMetric('EventsProjected', MetricUnit.Count, 1);
      o.metrics.publishStoredMetrics();
      expect(o.metricsEnabled).toBe(false);
      expect(written.filter((line) => line.includes('_aws'))).toEqual([]);
    } finally {
      if (saved !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = saved;
    }
  });

  it('are recorded and flushed when on', () => {
    const saved = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const o = observability({}, 'test-service');
      o.metrics.addMetric('EventsProjected', MetricUnit.Count, 3);
      o.metrics.publishStoredMetrics();
      const emf = written
        .filter((line) => line.includes('_aws'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(emf).toHaveLength(1);
      expect(emf[0]?.EventsProjected).toBe(3);
    } finally {
      if (saved !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = saved;
    }
  });
});
