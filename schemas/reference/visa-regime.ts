/**
 * Citizenships that needed a visa to enter Kazakhstan in 2021 (a simplified
 * list: CIS and EAEU citizens and the 30-day visa-free list of Government
 * Decree No. 148 of 2012, as extended, entered without one; China joined the
 * visa-free list only in November 2023). Border rules and the simulator use it.
 */
export const VISA_REQUIRED_2021: ReadonlySet<string> = new Set([
  'AFG',
  'BGD',
  'CHN',
  'EGY',
  'IND',
  'IRN',
  'IRQ',
  'LKA',
  'NGA',
  'NPL',
  'PAK',
  'SYR',
  'VNM',
  'YEM',
  'SOM',
  'SDN',
  'LBY',
  'ETH',
]);

export function visaRequired(citizenship: string | undefined): boolean {
  return citizenship !== undefined && VISA_REQUIRED_2021.has(citizenship);
}
