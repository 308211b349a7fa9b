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
  /** The regional qandas quotas are of people ("set at 941 people for 2021"), not of statuses. */
  qandasQuota2021: 941,
  qandasQuota2022: 1_499,
  /** Foreign citizens working on LEA permits on 1 December 2021, by country. */
  leaActiveOn: '2021-12-01',
  leaActive: 15_527,
  leaByCountry: { CHN: 3_784, GBR: 1_996, TUR: 1_985, IND: 1_182, UZB: 1_138 },
  /**
   * "More than 100 thousand foreign citizens are held administratively
   * responsible": people, so the simulator makes 100,400 distinct offenders
   * (their offences follow from the repeat share below).
   */
  offenders: 100_400,
  /** "More than 10 thousand get deported": 10,400. */
  deportations: 10_400,
} as const;

export const ASSUMPTIONS = {
  /** Quota per quota region, in people (the paper gives only the totals). */
  qandasQuotaSplit2021: { 'KZ-11': 160, 'KZ-39': 171, 'KZ-55': 180, 'KZ-59': 250, 'KZ-63': 180 },
  qandasQuotaSplit2022: { 'KZ-11': 250, 'KZ-39': 300, 'KZ-55': 300, 'KZ-59': 349, 'KZ-63': 300 },
  /** A qandas status is granted to a family's head for a family of 1-6. */
  qandasFamilySize: [1, 6],
  /**
   * The 21.2 % of statuses the paper does not place: families settle in the
   * quota regions until the quota's people are used (the last family of a
   * region is as large as the places left), the rest settle here.
   */
  qandasOtherSettlement: { 'KZ-35': 3, 'KZ-75': 3, 'KZ-71': 2, 'KZ-15': 1, 'KZ-43': 1, 'KZ-23': 1, 'KZ-27': 1 },
  /** "Other countries" of origin. */
  qandasOtherOrigins: { RUS: 40, KGZ: 20, AFG: 15, IRN: 15, TUR: 10 },
  /** Countries behind the 5,442 LEA workers the paper does not attribute. */
  leaOtherCountries: {
    RUS: 900,
    KOR: 700,
    DEU: 500,
    ITA: 500,
    USA: 450,
    FRA: 400,
    PHL: 400,
    MYS: 300,
    UKR: 300,
    ESP: 250,
    NLD: 240,
    KGZ: 200,
    BLR: 152,
    VNM: 150,
  },
  leaRegions: {
    'KZ-23': 25,
    'KZ-75': 15,
    'KZ-71': 12,
    'KZ-47': 10,
    'KZ-15': 8,
    'KZ-35': 8,
    'KZ-27': 6,
    'KZ-55': 4,
    'KZ-43': 4,
    'KZ-61': 3,
    'KZ-79': 2,
    'KZ-63': 2,
    'KZ-19': 1,
  },
  leaCategories: { '1': 5, '2': 15, '3': 45, '4': 35 },
  /**
   * Workers who need no work visa: EAEU citizens (EAEU Treaty) and the CIS
   * visa-free countries' citizens; every other LEA worker holds a work visa,
   * and every permit issued on a visa names it.
   */
  workersWithoutVisa: ['RUS', 'KGZ', 'BLR', 'ARM', 'UZB', 'TJK', 'AZE', 'UKR', 'MDA'],
  /**
   * LEA permits that end before 1 December (not counted; the workers leave as they end), and permits ended by a
   * revoked visa (the workers leave).
   */
  leaExpiredBeforeDecember: 1_200,
  leaRevokedWithVisa: 150,
  /**
   * Patents (Interior permits to labour immigrants working for individuals,
   * until 2022): the paper gives no count; 3,000 keeps the simulated volume
   * down and understates the real number. Citizens of the CIS visa-free
   * countries outside the EAEU; 1-12 months paid at 2 MCI a month.
   */
  patents: 3_000,
  patentCitizenship: { UZB: 75, TJK: 20, AZE: 3, UKR: 2 },
  patentMonths: { '1': 10, '2': 10, '3': 25, '4': 10, '6': 25, '12': 20 },
  patentRegions: { 'KZ-75': 40, 'KZ-71': 25, 'KZ-79': 15, 'KZ-19': 10, 'KZ-61': 5, 'KZ-23': 5 },
  offenderCitizenship: {
    UZB: 45,
    TJK: 15,
    KGZ: 15,
    RUS: 8,
    AZE: 4,
    CHN: 3,
    AFG: 2,
    TKM: 3,
    UKR: 2,
    IND: 1,
    PAK: 1,
    MNG: 1,
  },
  /**
   * Offences per offender: 1, and a second for this share (100,400 offenders
   * → 110,440 offences). Offenders who are not deported pay their fine and
   * leave before their stay (visa, registration or 90 visa-free days) ends.
   */
  repeatOffenceShare: 0.1,
  visitors: 30_000,
  visitorCitizenship: {
    CHN: 20,
    RUS: 15,
    TUR: 10,
    DEU: 8,
    USA: 6,
    KOR: 6,
    IND: 6,
    GBR: 5,
    UZB: 10,
    IRN: 4,
    VNM: 4,
    PAK: 3,
    FRA: 3,
  },
  /**
   * Visitors who never leave: the overstays the Interior's check raises (with the workers on
   * expired business visas below).
   */
  overstayers: 600,
  entryDenialsOfDeportees: 900,
  entryDenialsWithoutVisa: 600,
  visitorVisaRevocations: 150,
  qandasCitizenshipShare: 0.2,
  leaExtensionShare: 0.1,
  /**
   * Inconsistencies real registries have, counted on 1 December at scale 1
   * (at least one of each at any scale, so `mx contradictions` shows them).
   * Each is one the platform's reactions cannot repair:
   * - `permit-after-visa-expired`: LEA workers from visa countries whose
   *   employer obtained the permit but never the work visa: they came on a
   *   90-day business visa and keep working after it expires. Nothing reacts
   *   to a visa running out, so Labour's permit stays in force (and the
   *   Interior's check raises their overstay).
   * - `permit-after-deportation`: workers fined and expelled for starting work
   *   before their permit came through, whose employer's LEA permit is issued
   *   days after the order. The revocation reaction ran when the order came
   *   and found no permit; Labour's system does not consult Berkut's orders.
   * - `permit-after-visa-revoked`: workers whose permit names the single-entry
   *   work visa they arrived on, while the MFA later issued them a new
   *   multiple-entry work visa in the country and revoked that one. The
   *   reaction revokes the permits issued on the revoked visa, and Labour's
   *   permit still names the first.
   */
  inconsistencies: { 'permit-after-visa-expired': 40, 'permit-after-deportation': 20, 'permit-after-visa-revoked': 15 },
} as const;
