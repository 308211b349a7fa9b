/**
 * How long a foreigner who entered visa-free may stay without a visa or a
 * registered stay: the 90 days of the 90-in-180 rule for CIS citizens, the
 * longest visa-free stay. Nationals of the 30-day visa-free list are held to
 * it too, so the check errs towards raising nothing rather than a false
 * overstay. Berkut's overstay rule and the index it reads its candidates
 * from both count with it.
 */
export const VISA_FREE_STAY_DAYS = 90;
