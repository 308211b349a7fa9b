import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '../../infra/local/event-pattern.ts';
import { loadConformanceCases } from '../fixtures/conformance.ts';

const CASES = loadConformanceCases();

describe('EventBridge pattern conformance (AWS-recorded cases)', () => {
  it('loads every case', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(155);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    if (c.expected === 'invalid') {
      expect(() => compilePattern(c.pattern)).toThrow(InvalidEventPatternError);
      // AWS's recorded message, exactly (not just a prefix of ours).
      if (c.awsMessage)
        expect(() => compilePattern(c.pattern)).toThrow(
          new RegExp(`^${c.awsMessage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        );
      return;
    }
    expect(compilePattern(c.pattern).matches(c.event)).toBe(c.expected === 'match');
  });
});
