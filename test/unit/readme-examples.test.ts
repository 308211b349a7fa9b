import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planYear } from '../../infra/simulator/plan.ts';

/**
 * Every person a README command names exists after the steps the README
 * documents (the simulated year at scale 0.01, seed 2021): a newcomer who
 * copies a command finds someone.
 */
const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('the README\u2019s example people', () => {
  const plan = planYear(2021, 0.01, 2021);
  const commands = [...plan.setup, ...plan.scripts.flat()];
  const documents = new Set(
    commands
      .map((c) => (c.input as { person?: { citizenship?: string; documentNumber?: string } }).person)
      .filter((p) => p?.documentNumber)
      .map((p) => `${p!.citizenship} ${p!.documentNumber}`),
  );
  const iins = new Set(
    commands
      .flatMap((c) => [(c.input as { iin?: string }).iin, (c.input as { person?: { iin?: string } }).person?.iin])
      .filter((iin): iin is string => iin !== undefined),
  );

  it('are named at all (the README shows person reads)', () => {
    expect(README).toMatch(/--citizenship [A-Z]{3} --document [A-Z0-9]+/);
    expect(README).toMatch(/--iin \d{12}/);
  });

  it('are people of the documented simulation', () => {
    for (const [, citizenship, document] of README.matchAll(/--citizenship ([A-Z]{3}) --document ([A-Z0-9]+)/g))
      expect(documents, `${citizenship} ${document}`).toContain(`${citizenship} ${document}`);
    for (const [, iin] of README.matchAll(/--iin (\d{12})/g)) expect(iins, `IIN ${iin}`).toContain(iin);
  });
});
