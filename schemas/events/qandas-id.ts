import * as z from '../zod.ts';

/** The qandas database's record number, also quoted by Berkut's one-window residence permits. */
export const QandasId = z
  .string()
  .check(
    z.maxLength(13, { error: 'a qandas id looks like Q-<year>-<6 digits>', abort: true }),
    z.regex(/^Q-\d{4}-\d{6}$/, { error: 'a qandas id looks like Q-<year>-<6 digits>' }),
  );
