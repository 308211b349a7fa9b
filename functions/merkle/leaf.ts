/**
 * What a leaf of the log is: one stored row, in DynamoDB's own typed JSON
 * (`{"pk":{"S":"…"},"valid":{"BOOL":true}}`, the attribute-value form every
 * DynamoDB API speaks), as RFC 8785 canonical JSON, without the two
 * attributes that say where it sits in the tree (the tree says that). The
 * typed form is the row exactly as stored: numbers keep DynamoDB's decimal
 * text, binary is base64 as on the wire, a set's members are sorted (DynamoDB
 * keeps no order in a set). Anyone holding the row can recompute the leaf.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../lib/canonical-json.ts';
import { leafHash } from './tree.ts';

/** Where a row sits in the tree; set by the sequencer, never part of the leaf. */
export const POSITION_ATTRIBUTES: readonly string[] = ['leafIndex', 'leafShard'];
/**
 * Leaves are spread over this many partitions of the `byLeaf` index (leaf i in partition i mod 8), so no
 * one partition takes every write.
 */
export const LEAF_SHARDS = 8;

/**
 * A row as DynamoDB returns it through the low-level client (binary as bytes), or as a proof
 * file holds it (binary as base64).
 */
export type TypedRow = Record<string, AttributeValue | JsonAttributeValue>;
/** An attribute value in plain JSON (binary as base64 text), as the leaf and proof files carry it. */
export type JsonAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: JsonAttributeValue[] }
  | { M: Record<string, JsonAttributeValue> };

const base64 = (bytes: Uint8Array | string) =>
  typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function plain(value: AttributeValue | JsonAttributeValue): JsonAttributeValue {
  const v = value as Record<string, unknown>;
  if (v.S !== undefined) return { S: v.S as string };
  if (v.N !== undefined) return { N: v.N as string };
  if (v.B !== undefined) return { B: base64(v.B as Uint8Array | string) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL as boolean };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.SS !== undefined) return { SS: [...(v.SS as string[])].sort() };
  // Numbers in a set sort as DynamoDB prints them: text order is a fixed order, which is all a canonical form needs.
  if (v.NS !== undefined) return { NS: [...(v.NS as string[])].sort() };
  if (v.BS !== undefined) return { BS: (v.BS as (Uint8Array | string)[]).map(base64).sort() };
  if (v.L !== undefined) return { L: (v.L as AttributeValue[]).map(plain) };
  if (v.M !== undefined)
    return {
      M: Object.fromEntries(Object.entries(v.M as Record<string, AttributeValue>).map(([k, x]) => [k, plain(x)])),
    };
  throw new TypeError(`not a DynamoDB attribute value: ${Object.keys(v).join(', ') || '(empty)'}`);
}

/** The leaf's content: the row in plain typed JSON, without its position. */
export function leafContent(row: TypedRow): Record<string, JsonAttributeValue> {
  const content: Record<string, JsonAttributeValue> = {};
  for (const [name, value] of Object.entries(row))
    if (!POSITION_ATTRIBUTES.includes(name)) content[name] = plain(value);
  return content;
}

const utf8 = new TextEncoder();

/** The bytes the leaf hash covers: RFC 8785 canonical JSON of the leaf's content. */
export function leafBytes(row: TypedRow): Uint8Array {
  return utf8.encode(canonicalJson(leafContent(row)));
}

/** RFC 6962 leaf hash of a row. */
export function rowLeafHash(row: TypedRow): Uint8Array {
  return leafHash(leafBytes(row));
}

/**
 * A row's position attribute as a number, or undefined when it has none (a row written before
 * sequencing, or smoke traffic).
 */
export function leafIndexOf(row: TypedRow): number | undefined {
  const value = row.leafIndex as { N?: string } | undefined;
  return value?.N === undefined ? undefined : Number(value.N);
}

/** The attributes that place a row at leaf `index` (and in its partition of the byLeaf index). */
export function leafPosition(index: number): { leafIndex: number; leafShard: number } {
  return { leafIndex: index, leafShard: index % LEAF_SHARDS };
}

/** A string attribute of a typed row, for naming rows in reports. */
export function textOf(row: TypedRow, name: string): string | undefined {
  const value = row[name] as { S?: string; N?: string } | undefined;
  return value?.S ?? value?.N;
}

/** How a report names a row: its key. */
export function rowLabel(row: TypedRow): string {
  const pk = textOf(row, 'pk') ?? '(no pk)';
  const sk = textOf(row, 'sk');
  return sk === undefined ? pk : `${pk} ${sk}`;
}
