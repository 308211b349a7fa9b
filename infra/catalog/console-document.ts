/**
 * The catalog document the console's catalog page reads: the catalog and
 * the exchange diagram, built once per process from the declarations (the
 * contract cannot change while the process runs).
 */
import { TOPOLOGY } from '../topology.ts';
import { buildCatalog } from './event-catalog.ts';
import { exchangeDiagram } from './exchange-diagram.ts';
import type { CatalogDocument } from './model.ts';

export function catalogDocument(): CatalogDocument {
  const catalog = buildCatalog(TOPOLOGY);
  return { catalog, diagram: exchangeDiagram(TOPOLOGY, catalog) };
}

let json: string | undefined;

export function catalogDocumentJson(): string {
  json ??= JSON.stringify(catalogDocument());
  return json;
}
