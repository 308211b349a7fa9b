import { definitionsNamed, findDefinition } from './catalog.ts';
import type { EventDefinition } from './define.ts';
import type { Detail } from './envelope.ts';
import type * as z from './zod.ts';

export interface FieldIssue {
  /** Dotted path from the event root, e.g. `detail.data.person.iin`. */
  readonly path: string;
  readonly message: string;
}

/** Thrown (or returned) when an event does not match its contract; lists every failing field. */
export class EventValidationError extends Error {
  constructor(
    readonly issues: readonly FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, options);
    this.name = 'EventValidationError';
  }
}

export type ValidationResult<T = Detail> =
  | { readonly ok: true; readonly definition: EventDefinition; readonly detail: T }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

export function issuesFrom(error: z.core.$ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function schemaVersionOf(detail: unknown): number | undefined {
  const meta = (detail as { meta?: { schemaVersion?: unknown } } | null)?.meta;
  return typeof meta?.schemaVersion === 'number' ? meta.schemaVersion : undefined;
}

/**
 * Validates an event's `detail` against the contract for its source and
 * detail-type (and the schemaVersion it declares). Never throws.
 */
export function validateDetail(source: string, detailType: string, detail: unknown): ValidationResult {
  const version = schemaVersionOf(detail) ?? 1;
  const definition = findDefinition(source, detailType, version);
  if (!definition) {
    const known = definitionsNamed(detailType);
    if (known.length === 0)
      return {
        ok: false,
        issues: [{ path: 'detail-type', message: `unknown detail-type ${JSON.stringify(detailType)}` }],
      };
    if (!known.some((d) => d.source === source)) {
      const sources = [...new Set(known.map((d) => d.source))].join(', ');
      return {
        ok: false,
        issues: [
          { path: 'source', message: `${detailType} is published by ${sources}, not ${JSON.stringify(source)}` },
        ],
      };
    }
    const versions = known.map((d) => d.schemaVersion).join(', ');
    return {
      ok: false,
      issues: [
        {
          path: 'detail.meta.schemaVersion',
          message: `no schema version ${version} of ${detailType}; known: ${versions}`,
        },
      ],
    };
  }
  const parsed = definition.detail.safeParse(detail);
  if (!parsed.success) return { ok: false, issues: issuesFrom(parsed.error, 'detail') };
  return { ok: true, definition, detail: parsed.data as Detail };
}

/** Like `validateDetail`, but throws `EventValidationError`. */
export function parseDetail(source: string, detailType: string, detail: unknown): Detail {
  const result = validateDetail(source, detailType, detail);
  if (!result.ok) throw new EventValidationError(result.issues);
  return result.detail;
}
