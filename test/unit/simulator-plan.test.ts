import { describe, expect, it } from 'vitest';
import { planYear } from '../../infra/simulator/plan.ts';
import { apportion } from '../../infra/simulator/random.ts';
import { SEED_2021 } from '../../infra/simulator/calibration.ts';

describe('simulation plan', () => {
  it('is a pure function of the seed: same seed, same commands; another seed, other commands', () => {
    const a = planYear(2021, 0.01, 42);
    expect(planYear(2021, 0.01, 42)).toEqual(a);
    expect(planYear(2021, 0.01, 43).scripts).not.toEqual(a.scripts);
  });

  it('is calibrated to the seed at full scale', () => {
    const { targets } = planYear(2021, 1, 1);
    expect(targets.qandasGranted).toBe(17_540);
    expect(targets.qandasQuota).toBe(941);
    expect(targets.qandasGrantedInQuota).toBe(941);
    expect(targets.leaActive).toBe(15_527);
    expect(targets.leaActiveByCountry).toMatchObject({ CHN: 3_784, GBR: 1_996, TUR: 1_985, IND: 1_182, UZB: 1_138 });
    expect(targets.offences).toBeGreaterThan(100_000);
    expect(targets.deportations).toBeGreaterThan(10_000);
    const share = (region: string) => targets.qandasBySettlementRegion[region]! / targets.qandasGranted;
    expect(share('KZ-19')).toBeCloseTo(0.285, 2);
    expect(share('KZ-47')).toBeCloseTo(0.19, 2);
    expect(targets.qandasByOrigin.UZB! / targets.qandasGranted).toBeCloseTo(SEED_2021.qandasOrigin.UZB / 100.2, 3);
  });

  it('refuses what it cannot calibrate, naming the parameter', () => {
    expect(() => planYear(2020, 1, 1)).toThrow(/only 2021 is calibrated/);
    expect(() => planYear(2021, 0, 1)).toThrow(/--scale must be in \(0, 1\]/);
  });

  it('apportions whole numbers that add up to the total', () => {
    expect(apportion(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    expect(Object.values(apportion(17_540, SEED_2021.qandasOrigin)).reduce((x, y) => x + y, 0)).toBe(17_540);
  });
});
