import { Meta } from './envelope.ts';
import * as z from './zod.ts';

export const SOURCES = {
  foreignAffairs: 'kz.foreign-affairs.berkut',
  borderService: 'kz.border-service.berkut',
  interior: 'kz.interior.berkut',
  foreignLabour: 'kz.labour.foreign-labour',
  qandas: 'kz.labour.qandas',
} as const;
export type Source = (typeof SOURCES)[keyof typeof SOURCES];

export interface EventDefinition<D extends z.ZodMiniType = z.ZodMiniType> {
  readonly source: Source;
  readonly detailType: string;
  readonly schemaVersion: number;
  readonly description: string;
  /** Whether `data.person` is present (the event is about one person). */
  readonly aboutPerson: boolean;
  readonly data: D;
  /** `{ meta, data }` exactly as it travels in EventBridge's `detail`. */
  readonly detail: z.ZodMiniObject<{ meta: typeof Meta; data: D }>;
  /** A realistic `data` that parses; examples double as test fixtures. */
  readonly example: z.input<D>;
}

export function defineEvent<D extends z.ZodMiniType>(def: {
  source: Source;
  detailType: string;
  schemaVersion?: number;
  description: string;
  data: D;
  example: z.input<D>;
}): EventDefinition<D> {
  const schemaVersion = def.schemaVersion ?? 1;
  const shape = def.data instanceof z.ZodMiniObject ? (def.data.shape as Record<string, unknown>) : {};
  // Built when first read: a Lambda's init would otherwise build all of them (every event of the catalog) for the
  // few types it ever parses.
  let detail: EventDefinition<D>['detail'] | undefined;
  return {
    ...def,
    schemaVersion,
    aboutPerson: 'person' in shape,
    get detail() {
      detail ??= z.strictObject({
        meta: z.extend(Meta, {
          schemaVersion: z.literal(schemaVersion, { error: `expected schemaVersion ${schemaVersion}` }),
        }),
        data: def.data,
      }) as unknown as EventDefinition<D>['detail'];
      return detail;
    },
  };
}

export type DataOf<E> = E extends EventDefinition<infer D> ? z.infer<D> : never;
