import { IntrinsicError } from '../intrinsics.ts';
import type { CfnResourceDefinition, CfnTemplate } from '../template-types.ts';

export type Entry = readonly [logicalId: string, resource: CfnResourceDefinition];

export function ofType(template: CfnTemplate, type: string): Entry[] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function props(entry: Entry): Record<string, unknown> {
  return entry[1].Properties ?? {};
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at (what wires one resource to another). */
export function targetOf(value: unknown, where: string): string {
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof v?.Ref === 'string') return v.Ref;
  const att = v?.['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0]!;
  throw new IntrinsicError(where, `expected a Ref or Fn::GetAtt to another resource, got ${JSON.stringify(value)}`);
}

export function numberOf(value: unknown, where: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new IntrinsicError(where, `expected a number, got ${JSON.stringify(value)}`);
  return n;
}
