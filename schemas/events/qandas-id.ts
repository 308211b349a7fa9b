import * as z from 'zod';

/** The qandas database's record number, also quoted by Berkut's one-window residence permits. */
export const QandasId = z.string().max(13, { error: 'a qandas id looks like Q-<year>-<6 digits>', abort: true }).regex(/^Q-\d{4}-\d{6}$/, { error: 'a qandas id looks like Q-<year>-<6 digits>' });
