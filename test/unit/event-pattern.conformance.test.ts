import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '../../infra/local/event-pattern.ts';

export const CONFORMANCE_DIR = path.resolve(import.meta.dirname, '../../../shared/conformance/eventbridge-patterns');

export function loadConformanceCases() {
  const dir = path.join(CONFORMANCE_DIR, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json5'));
  const recorded = JSON.parse(readFileSync(path.join(CONFORMANCE_DIR, 'aws-recorded-errors.json'), 'utf8')) as Record<
    string,
    { 'recorded-content': Record<string, { exception_message: { Error: { Message: string } } }> }
  >;
  const awsMessage = (name: string) => {
    const entry = Object.entries(recorded).find(([key]) => key.endsWith(`test_event_pattern[${name}]`));
    return entry?.[1]['recorded-content'][name]?.exception_message.Error.Message;
  };
  const cases = files.map((file) => {
    const name = file.replace(/\.json5$/, '');
    const { Event, EventPattern } = JSON5.parse(readFileSync(path.join(dir, file), 'utf8')) as { Event: unknown; EventPattern: unknown };
    const expected: 'match' | 'no-match' | 'invalid' = name.endsWith('_EXC') ? 'invalid' : name.endsWith('_NEG') ? 'no-match' : 'match';
    return { name, event: Event, pattern: EventPattern, expected, awsMessage: awsMessage(name) };
  });
  // The duplicate-key case is JSON (not JSON5): its duplicate keys must survive as raw text.
  cases.push({
    name: 'complex_multi_key_event',
    event: JSON.parse(readFileSync(path.join(dir, 'complex_multi_key_event.json'), 'utf8')),
    pattern: readFileSync(path.join(dir, 'complex_multi_key_event_pattern.json'), 'utf8'),
    expected: 'match',
    awsMessage: undefined,
  });
  return cases;
}

const CASES = loadConformanceCases();

describe('EventBridge pattern conformance (AWS-recorded cases)', () => {
  it('loads every case', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(155);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    if (c.expected === 'invalid') {
      expect(() => compilePattern(c.pattern)).toThrow(InvalidEventPatternError);
      if (c.awsMessage) expect(() => compilePattern(c.pattern)).toThrow(c.awsMessage);
      return;
    }
    expect(compilePattern(c.pattern).matches(c.event)).toBe(c.expected === 'match');
  });
});
