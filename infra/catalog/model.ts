/** The catalog's shape is declared beside the console that reads it; the catalog builders here import it from there. */
export type * from '../../functions/domain/catalog-model.ts';
