import type { EventDefinition } from './define.ts';
import * as borderService from './events/border-service.ts';
import * as foreignAffairs from './events/foreign-affairs.ts';
import * as foreignLabour from './events/foreign-labour.ts';
import * as interior from './events/interior.ts';
import * as qandas from './events/qandas.ts';

function definitionsIn(module: Record<string, unknown>): EventDefinition[] {
  return Object.values(module).filter(
    (value): value is EventDefinition =>
      typeof value === 'object' && value !== null && 'detailType' in value && 'detail' in value,
  );
}

/** Code-unit order: `localeCompare` would load ICU's collator during a Lambda's init (~8 ms) to sort ASCII names. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every event the platform knows, in a stable order (by source, then name). */
export const CATALOG: readonly EventDefinition[] = [foreignAffairs, borderService, interior, foreignLabour, qandas]
  .flatMap(definitionsIn)
  .sort(
    (a, b) =>
      byCodeUnits(a.source, b.source) || byCodeUnits(a.detailType, b.detailType) || a.schemaVersion - b.schemaVersion,
  );

const key = (source: string, detailType: string, version: number) => `${source}\u0000${detailType}\u0000${version}`;
const byKey = new Map(CATALOG.map((d) => [key(d.source, d.detailType, d.schemaVersion), d]));

export function findDefinition(source: string, detailType: string, schemaVersion = 1): EventDefinition | undefined {
  return byKey.get(key(source, detailType, schemaVersion));
}

/** Definitions of a detail-type across sources and versions (a name is unique across sources today). */
export function definitionsNamed(detailType: string): EventDefinition[] {
  return CATALOG.filter((d) => d.detailType === detailType);
}

export function latestDefinition(detailType: string): EventDefinition | undefined {
  return definitionsNamed(detailType).at(-1);
}

export const DETAIL_TYPES = [...new Set(CATALOG.map((d) => d.detailType))];
