/**
 * The proof file `mx log prove` and `mx log receipt` print, and the offline
 * verifier `mx log check-proof` runs on it. The verifier needs nothing but
 * the file and the log's verifier key (vkey, published by the platform):
 * no cloud, no credentials, no clock. Anyone can reimplement it:
 *
 *  1. Open the checkpoint, a C2SP signed note, with the vkey: the signature
 *     line whose key name and id match must be an Ed25519 (RFC 8032)
 *     signature of the note text. The text is a C2SP tlog-checkpoint:
 *     origin (= the key name), tree size, base64 root hash, `time <POSIX s>`.
 *  2. The leaf: the row, in DynamoDB's typed JSON, serialised as RFC 8785
 *     canonical JSON (UTF-8); its leaf hash is SHA-256(0x00 || those bytes).
 *  3. The inclusion proof (base64 hashes, leaf level first) must lead from
 *     that leaf hash at `leafIndex` to the signed root of `treeSize` leaves,
 *     by the algorithm of RFC 9162 §2.1.3.2 (interior nodes
 *     SHA-256(0x01 || left || right)); `treeSize` must be the signed size.
 *  4. For an exchange-log row, its `digest` must be the hex SHA-256 of
 *     source, NUL, detail-type, NUL and detail: the publishing agency can
 *     compute the same from its own copy of the event.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { type NoteVerifier, openCheckpoint, parseVkey, vkeyText } from './checkpoint.ts';
import { type JsonAttributeValue, rowLeafHash } from './leaf.ts';
import { checkInclusion } from './tree.ts';

export const PROOF_FORMAT = 'migration-exchange/inclusion-proof/v1';

import type { LogName } from './logs.ts';

export type { LogName };

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a SHA-256 hash in base64 (44 characters)');
const Attribute: z.ZodType<JsonAttributeValue> = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string().regex(/^-?[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?$/i, 'a DynamoDB number') }),
    z.strictObject({ B: z.string() }),
    z.strictObject({ BOOL: z.boolean() }),
    z.strictObject({ NULL: z.literal(true) }),
    z.strictObject({ SS: z.array(z.string()) }),
    z.strictObject({ NS: z.array(z.string()) }),
    z.strictObject({ BS: z.array(z.string()) }),
    z.strictObject({ L: z.array(Attribute) }),
    z.strictObject({ M: z.record(z.string(), Attribute) }),
  ]),
);

export const ProofFile = z.strictObject({
  format: z.literal(PROOF_FORMAT),
  /** `receipt` for an agency's receipt of its event, `proof` otherwise; the checks are the same. */
  kind: z.enum(['proof', 'receipt']),
  log: z.enum(['exchange-log', 'access-ledger']),
  leafIndex: z.number().int().nonnegative(),
  treeSize: z.number().int().positive(),
  /** The row as stored, in DynamoDB's typed JSON, without its position attributes. */
  row: z.record(z.string(), Attribute),
  inclusionProof: z.array(Base64Hash).max(64),
  /** The signed checkpoint the proof hangs from (a C2SP signed note). */
  checkpoint: z.string().max(64 * 1024),
  /** The log's verifier key, for convenience: a verifier should pin the key it got from the platform instead. */
  vkey: z.string().max(1024),
});
export type ProofFile = z.infer<typeof ProofFile>;

export interface ProofCheck {
  readonly ok: boolean;
  /** Whether the key was given by the verifier (pinned) or taken from the file (self-asserted). */
  readonly keyPinned: boolean;
  /** What the proof establishes, when it holds. */
  readonly established?: {
    log: LogName;
    origin: string;
    leafIndex: number;
    treeSize: number;
    signedAt: string;
    leafHash: string;
  };
  /** Every check, in order, with its outcome. */
  readonly checks: readonly { readonly check: string; readonly ok: boolean; readonly detail: string }[];
  /** The first check that failed, in a sentence. */
  readonly problem?: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** SHA-256 of source, NUL, detail-type, NUL and detail, hex: the exchange log's `digest` of an event. */
export function eventDigest(source: string, detailType: string, detail: string): string {
  return hex(sha256(new TextEncoder().encode(`${source}\u0000${detailType}\u0000${detail}`)));
}

/** Checks a proof file (already parsed as JSON) against a pinned vkey, or the file's own when none is given. */
export function checkProofFile(input: unknown, pinnedVkey?: string): ProofCheck {
  const checks: { check: string; ok: boolean; detail: string }[] = [];
  const fail = (check: string, detail: string, keyPinned = pinnedVkey !== undefined): ProofCheck => {
    checks.push({ check, ok: false, detail });
    return { ok: false, keyPinned, checks, problem: `${check}: ${detail}` };
  };
  const parsed = ProofFile.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('format', `not a ${PROOF_FORMAT} file: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const file = parsed.data;
  let verifier: NoteVerifier;
  try {
    verifier = parseVkey(pinnedVkey ?? file.vkey);
  } catch (error) {
    return fail('key', `${pinnedVkey ? 'the pinned' : "the file's"} vkey is not usable: ${(error as Error).message}`);
  }
  checks.push({
    check: 'key',
    ok: true,
    detail: pinnedVkey
      ? `pinned ${vkeyText(verifier)}` +
        `${file.vkey.trim() === pinnedVkey.trim() ? '' : ' (the file names another key; the pinned one decides)'}`
      : `taken from the file (${vkeyText(verifier)}): pin the platform's published key with --vkey to trust it`,
  });
  const checkpoint = openCheckpoint(file.checkpoint, verifier);
  if ('problem' in checkpoint) return fail('checkpoint signature', checkpoint.problem);
  checks.push({
    check: 'checkpoint signature',
    ok: true,
    detail: `${checkpoint.origin}: ${checkpoint.size} leaves, signed ${new Date(checkpoint.time * 1000).toISOString()}`,
  });
  if (!checkpoint.origin.endsWith(`/${file.log}`))
    return fail('log', `the checkpoint is of ${checkpoint.origin}, the file says ${file.log}`);
  if (checkpoint.size !== file.treeSize)
    return fail('tree size', `the file says ${file.treeSize} leaves, the checkpoint signed ${checkpoint.size}`);
  let leaf: Uint8Array;
  try {
    leaf = rowLeafHash(file.row);
  } catch (error) {
    return fail('leaf', `the row cannot be read: ${(error as Error).message}`);
  }
  checks.push({
    check: 'leaf',
    ok: true,
    detail: `leaf ${file.leafIndex}: SHA-256(0x00 || canonical JSON of the row) = ${hex(leaf)}`,
  });
  const problem = checkInclusion(
    leaf,
    file.leafIndex,
    file.treeSize,
    file.inclusionProof.map(fromB64),
    checkpoint.root,
  );
  if (problem) return fail('inclusion', problem);
  checks.push({
    check: 'inclusion',
    ok: true,
    detail: `${file.inclusionProof.length} hashes lead from leaf ${file.leafIndex} to the signed root`,
  });
  if (file.log === 'exchange-log') {
    const text = (name: string) => (file.row[name] as { S?: string } | undefined)?.S;
    const [source, detailType, detail, digest] = [text('source'), text('detailType'), text('detail'), text('digest')];
    if (source !== undefined && detailType !== undefined && detail !== undefined && digest !== undefined) {
      if (eventDigest(source, detailType, detail) !== digest)
        return fail('event digest', 'the row\u2019s digest is not the SHA-256 of its source, detail-type and detail');
      checks.push({ check: 'event digest', ok: true, detail: `${digest} is the SHA-256 of the event as logged` });
    }
  }
  return {
    ok: true,
    keyPinned: pinnedVkey !== undefined,
    established: {
      log: file.log,
      origin: checkpoint.origin,
      leafIndex: file.leafIndex,
      treeSize: file.treeSize,
      signedAt: new Date(checkpoint.time * 1000).toISOString(),
      leafHash: hex(leaf),
    },
    checks,
  };
}
