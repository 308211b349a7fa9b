/**
 * Kazakhstan's first-level divisions as ISO 3166-2:KZ lists them after the
 * 2022 reform: 17 regions (oblystar) and 3 cities of republican significance.
 * Abai, Zhetysu and Ulytau were carved out on 2022-06-08, so a date before
 * that cannot carry their codes (`regionExistsOn`).
 */
export interface Region {
  /** ISO 3166-2:KZ code. */
  readonly code: string;
  readonly name: string;
  readonly kind: 'region' | 'city';
  /** The alphabetic code ISO used until 2020, still found in older records. */
  readonly legacyCode?: string;
  /** First day the unit existed (only set for the 2022 regions). */
  readonly establishedOn?: string;
  /** One of the five regions that receive the qandas resettlement quota. */
  readonly qandasQuotaRegion: boolean;
}

export const REGIONS: readonly Region[] = [
  { code: 'KZ-10', name: 'Abai Region', kind: 'region', establishedOn: '2022-06-08', qandasQuotaRegion: false },
  { code: 'KZ-11', name: 'Akmola Region', kind: 'region', legacyCode: 'KZ-AKM', qandasQuotaRegion: true },
  { code: 'KZ-15', name: 'Aktobe Region', kind: 'region', legacyCode: 'KZ-AKT', qandasQuotaRegion: false },
  { code: 'KZ-19', name: 'Almaty Region', kind: 'region', legacyCode: 'KZ-ALM', qandasQuotaRegion: false },
  { code: 'KZ-23', name: 'Atyrau Region', kind: 'region', legacyCode: 'KZ-ATY', qandasQuotaRegion: false },
  { code: 'KZ-27', name: 'West Kazakhstan Region', kind: 'region', legacyCode: 'KZ-ZAP', qandasQuotaRegion: false },
  { code: 'KZ-31', name: 'Zhambyl Region', kind: 'region', legacyCode: 'KZ-ZHA', qandasQuotaRegion: false },
  { code: 'KZ-33', name: 'Zhetysu Region', kind: 'region', establishedOn: '2022-06-08', qandasQuotaRegion: false },
  { code: 'KZ-35', name: 'Karaganda Region', kind: 'region', legacyCode: 'KZ-KAR', qandasQuotaRegion: false },
  { code: 'KZ-39', name: 'Kostanay Region', kind: 'region', legacyCode: 'KZ-KUS', qandasQuotaRegion: true },
  { code: 'KZ-43', name: 'Kyzylorda Region', kind: 'region', legacyCode: 'KZ-KZY', qandasQuotaRegion: false },
  { code: 'KZ-47', name: 'Mangystau Region', kind: 'region', legacyCode: 'KZ-MAN', qandasQuotaRegion: false },
  { code: 'KZ-55', name: 'Pavlodar Region', kind: 'region', legacyCode: 'KZ-PAV', qandasQuotaRegion: true },
  { code: 'KZ-59', name: 'North Kazakhstan Region', kind: 'region', legacyCode: 'KZ-SEV', qandasQuotaRegion: true },
  { code: 'KZ-61', name: 'Turkestan Region', kind: 'region', legacyCode: 'KZ-YUZ', qandasQuotaRegion: false },
  { code: 'KZ-62', name: 'Ulytau Region', kind: 'region', establishedOn: '2022-06-08', qandasQuotaRegion: false },
  { code: 'KZ-63', name: 'East Kazakhstan Region', kind: 'region', legacyCode: 'KZ-VOS', qandasQuotaRegion: true },
  { code: 'KZ-71', name: 'Astana', kind: 'city', legacyCode: 'KZ-AST', qandasQuotaRegion: false },
  { code: 'KZ-75', name: 'Almaty', kind: 'city', legacyCode: 'KZ-ALA', qandasQuotaRegion: false },
  { code: 'KZ-79', name: 'Shymkent', kind: 'city', legacyCode: 'KZ-SHY', qandasQuotaRegion: false },
];

export const REGION_CODES = REGIONS.map((r) => r.code) as [string, ...string[]];

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

export function findRegion(code: string): Region | undefined {
  return byCode.get(code);
}

/** Whether the unit existed on an ISO date (YYYY-MM-DD…). */
export function regionExistsOn(code: string, isoDate: string): boolean {
  const region = byCode.get(code);
  if (!region) return false;
  return !region.establishedOn || isoDate.slice(0, 10) >= region.establishedOn;
}
