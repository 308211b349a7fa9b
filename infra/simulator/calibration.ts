/**
 * The 2021 figures the simulator is calibrated to (shared/seed, the paper on
 * how migration is regulated in Kazakhstan), and the assumptions it makes
 * where the paper is silent. Every assumption is named here and in the README.
 */
export const SEED_2021 = {
  qandasGranted: 17_540,
  /** Shares of qandas by origin; the paper's shares add up to 100.2 %, so they are normalised. */
  qandasOrigin: { UZB: 76.2, CHN: 9.7, TKM: 6.0, MNG: 2.6, OTHER: 5.7 },
  /** Shares by settlement; the paper names five (78.8 %); the rest is ours (below). */
  qandasSettlement: { 'KZ-19': 28.5, 'KZ-47': 19.0, 'KZ-61': 13.0, 'KZ-79': 10.5, 'KZ-31': 7.8 },
  qandasQuota2021: 941,
  qandasQuota2022: 1_499,
  /** Foreign citizens working on LEA permits on 1 December 2021, by country. */
  leaActiveOn: '2021-12-01',
  leaActive: 15_527,
  leaByCountry: { CHN: 3_784, GBR: 1_996, TUR: 1_985, IND: 1_182, UZB: 1_138 },
  /** "more than 100 thousand" and "more than 10 thousand": the simulator makes 104,000 and 10,400. */
  offences: 104_000,
  deportations: 10_400,
} as const;

export const ASSUMPTIONS = {
  /** Quota per quota region (the paper gives only the totals). */
  qandasQuotaSplit2021: { 'KZ-11': 160, 'KZ-39': 171, 'KZ-55': 180, 'KZ-59': 250, 'KZ-63': 180 },
  qandasQuotaSplit2022: { 'KZ-11': 250, 'KZ-39': 300, 'KZ-55': 300, 'KZ-59': 349, 'KZ-63': 300 },
  /** The 21.2 % not named: exactly the quota settles in the quota regions (the paper: ~5 %), the rest here. */
  qandasOtherSettlement: { 'KZ-35': 3, 'KZ-75': 3, 'KZ-71': 2, 'KZ-15': 1, 'KZ-43': 1, 'KZ-23': 1, 'KZ-27': 1 },
  /** "Other countries" of origin. */
  qandasOtherOrigins: { RUS: 40, KGZ: 20, AFG: 15, IRN: 15, TUR: 10 },
  /** Countries behind the 5,442 LEA workers the paper does not attribute. */
  leaOtherCountries: { RUS: 900, KOR: 700, DEU: 500, ITA: 500, USA: 450, FRA: 400, PHL: 400, MYS: 300, UKR: 300, ESP: 250, NLD: 240, KGZ: 200, BLR: 152, VNM: 150 },
  leaRegions: { 'KZ-23': 25, 'KZ-75': 15, 'KZ-71': 12, 'KZ-47': 10, 'KZ-15': 8, 'KZ-35': 8, 'KZ-27': 6, 'KZ-55': 4, 'KZ-43': 4, 'KZ-61': 3, 'KZ-79': 2, 'KZ-63': 2, 'KZ-19': 1 },
  leaCategories: { '1': 5, '2': 15, '3': 45, '4': 35 },
  /** LEA permits that end before 1 December (not counted), and permits ended by a revoked visa. */
  leaExpiredBeforeDecember: 1_200,
  leaRevokedWithVisa: 150,
  /** Permits for work for individuals (counted under their own key). */
  individualPermits: 3_000,
  offenderCitizenship: { UZB: 45, TJK: 15, KGZ: 15, RUS: 8, AZE: 4, CHN: 3, AFG: 2, TKM: 3, UKR: 2, IND: 1, PAK: 1, MNG: 1 },
  /** Offences per offender: 1, and a second for this share. */
  repeatOffenceShare: 0.1,
  visitors: 30_000,
  visitorCitizenship: { CHN: 20, RUS: 15, TUR: 10, DEU: 8, USA: 6, KOR: 6, IND: 6, GBR: 5, UZB: 10, IRN: 4, VNM: 4, PAK: 3, FRA: 3 },
  overstayers: 600,
  entryDenialsOfDeportees: 900,
  entryDenialsWithoutVisa: 600,
  visitorVisaRevocations: 150,
  qandasCitizenshipShare: 0.2,
  leaExtensionShare: 0.1,
} as const;
