/**
 * Loading TypeScript sources at run time. The prebuilt CLI is JavaScript,
 * but `mx cloud start` runs the local cloud from its sources: the cloud loads
 * each subscription's handler module (`.ts`, named in the topology) when it
 * starts, as Lambda would load the deployed bundle, so it needs tsx's loader.
 * When `mx` already runs from its sources (infra/bin/mx.mjs fell back to tsx),
 * the loader is registered and this only imports.
 */
const TSX_REGISTERED = Symbol.for('migration-exchange.tsx-registered');

export async function importTypeScript<T>(url: URL): Promise<T> {
  const flags = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (!flags[TSX_REGISTERED]) {
    const { register } = await import('tsx/esm/api');
    register();
    flags[TSX_REGISTERED] = true;
  }
  return (await import(url.href)) as T;
}
