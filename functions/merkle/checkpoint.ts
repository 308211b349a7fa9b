/**
 * Signed checkpoints in the transparency-log ecosystem's formats, so that
 * tools built for other logs (witnesses, monitors, Go's sumdb/note) can read
 * ours: a C2SP tlog-checkpoint (origin, tree size, base64 root hash), with
 * one extension line `time <POSIX seconds>` (the issue asks for the time;
 * the note signature covers it), signed as a C2SP signed note with an
 * Ed25519 key (RFC 8032, via @noble/curves; on AWS the same signature comes
 * from a KMS ECC_NIST_EDWARDS25519 key). Verifier keys are C2SP vkeys:
 * `<name>+<key id hex>+<base64(0x01 || public key)>`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, HASH_BYTES } from './tree.ts';

/** Signature type byte of a plain Ed25519 note signature (C2SP signed-note). */
const ED25519_TYPE = 0x01;
/** A note, signatures included, bigger than this is refused unread (C2SP asks verifiers for a limit). */
export const MAX_NOTE_BYTES = 64 * 1024;
const MAX_SIGNATURES = 64;

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** When the log signed it, POSIX seconds. */
  readonly time: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Key names: non-empty, no Unicode space, no plus (C2SP signed-note). */
function checkName(name: string): void {
  if (!name || /[\s+]/u.test(name))
    throw new RangeError(`a key name must be non-empty, without spaces or "+", got ${JSON.stringify(name)}`);
}

/** The note text of a checkpoint (ends in a newline, as the signature covers it). */
export function checkpointText(c: Checkpoint): string {
  checkName(c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw new RangeError(`tree size must be a whole number, got ${c.size}`);
  if (c.root.length !== HASH_BYTES) throw new RangeError(`root hash must be ${HASH_BYTES} bytes`);
  return `${c.origin}\n${c.size}\n${b64(c.root)}\ntime ${Math.floor(c.time)}\n`;
}

/** Reads a checkpoint's note text; refuses anything that is not exactly the format written above. */
export function parseCheckpointText(text: string): Checkpoint | { problem: string } {
  const lines = text.split('\n');
  if (lines.at(-1) !== '') return { problem: 'the checkpoint text does not end in a newline' };
  const [origin, size, root, ...extensions] = lines.slice(0, -1);
  if (!origin) return { problem: 'the checkpoint has no origin line' };
  if (!size || !/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    return { problem: `tree size ${JSON.stringify(size ?? '')} is not a decimal number without leading zeroes` };
  if (!root || !STRICT_BASE64.test(root) || fromB64(root).length !== HASH_BYTES)
    return { problem: `root hash ${JSON.stringify(root ?? '')} is not 32 bytes of base64` };
  const times = extensions.filter((l) => l.startsWith('time '));
  if (times.length !== 1 || !/^time (0|[1-9][0-9]{0,15})$/.test(times[0]!))
    return { problem: 'the checkpoint has no single "time <POSIX seconds>" line' };
  if (extensions.some((l) => l === '')) return { problem: 'the checkpoint has an empty extension line' };
  return { origin, size: Number(size), root: fromB64(root), time: Number(times[0]!.slice(5)) };
}

/** A key that signs notes: the log's own Ed25519 key in the data dir, or a KMS key. */
export interface NoteSigner {
  readonly name: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A verifier key: the name, id and public key a signature must match. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]. */
export function keyIdOf(name: string, publicKey: Uint8Array): Uint8Array {
  checkName(name);
  const input = new Uint8Array([...new TextEncoder().encode(name), 0x0a, ED25519_TYPE, ...publicKey]);
  return sha256(input).slice(0, 4);
}

export function verifierOf(name: string, publicKey: Uint8Array): NoteVerifier {
  if (publicKey.length !== 32) throw new RangeError(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  return { name, keyId: keyIdOf(name, publicKey), publicKey };
}

/** The vkey text of a verifier. */
export function vkeyText(v: NoteVerifier): string {
  return `${v.name}+${Buffer.from(v.keyId).toString('hex')}+${b64(new Uint8Array([ED25519_TYPE, ...v.publicKey]))}`;
}

/** Parses a vkey; throws a RangeError naming what is wrong. */
export function parseVkey(text: string): NoteVerifier {
  // The name holds no "+", the key's base64 may.
  const match = /^([^+\s]+)\+([^+]*)\+(.*)$/.exec(text.trim());
  if (!match) throw new RangeError('a vkey is <name>+<key id hex>+<base64 key>');
  const [, name, id, key] = match as unknown as [string, string, string, string];
  if (!/^[0-9a-f]{8}$/.test(id)) throw new RangeError(`vkey key id ${JSON.stringify(id)} is not 8 hex digits`);
  if (!STRICT_BASE64.test(key)) throw new RangeError('vkey key is not base64');
  const material = fromB64(key);
  if (material[0] !== ED25519_TYPE || material.length !== 33)
    throw new RangeError('vkey is not an Ed25519 key (type 0x01, 32 bytes)');
  const verifier = verifierOf(name, material.subarray(1));
  if (Buffer.from(verifier.keyId).toString('hex') !== id)
    throw new RangeError(`vkey key id ${id} does not match its name and key`);
  return verifier;
}

/** Signs a note text with one signature line. */
export async function signNote(text: string, signer: NoteSigner): Promise<string> {
  if (!text.endsWith('\n')) throw new RangeError('a note text ends in a newline');
  const signature = await signer.sign(new TextEncoder().encode(text));
  if (signature.length !== 64) throw new Error(`an Ed25519 signature is 64 bytes, the signer gave ${signature.length}`);
  return (
    `${text}\n\u2014 ${signer.name} ` +
    `${b64(new Uint8Array([...keyIdOf(signer.name, signer.publicKey), ...signature]))}\n`
  );
}

/**
 * Opens a signed note with a trusted verifier key: the text, if a signature
 * line of that key (name and key id) verifies, else why not. Signatures of
 * other keys are ignored, as C2SP signed-note requires.
 */
export function openNote(note: string, verifier: NoteVerifier): { text: string } | { problem: string } {
  if (Buffer.byteLength(note) > MAX_NOTE_BYTES) return { problem: `the note is over ${MAX_NOTE_BYTES} bytes` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters (but newline) is the point
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note))
    return { problem: 'the note holds a control character other than newline' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { problem: 'the note has no blank line before its signatures' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return { problem: `the note has more than ${MAX_SIGNATURES} signatures` };
  let sawKey = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) return { problem: `not a signature line: ${JSON.stringify(line.slice(0, 80))}` };
    const [, name, encoded] = match as unknown as [string, string, string];
    if (!STRICT_BASE64.test(encoded)) return { problem: `signature of ${name} is not base64` };
    const bytes = fromB64(encoded);
    if (name !== verifier.name || bytes.length < 4 || !equalBytes(bytes.subarray(0, 4), verifier.keyId)) continue;
    sawKey = true;
    const signature = bytes.subarray(4);
    // Strict RFC 8032 / FIPS 186-5 rules (not ZIP-215's laxer ones): what Go's
    // crypto/ed25519 and KMS produce and accept.
    if (
      signature.length === 64 &&
      ed25519.verify(signature, new TextEncoder().encode(text), verifier.publicKey, { zip215: false })
    )
      return { text };
    return { problem: `the signature of ${name} (key ${Buffer.from(verifier.keyId).toString('hex')}) does not verify` };
  }
  return { problem: sawKey ? 'no valid signature' : `the note carries no signature by ${vkeyText(verifier)}` };
}

/** Opens and reads a signed checkpoint, checking that it is the named log's. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint | { problem: string } {
  const opened = openNote(note, verifier);
  if ('problem' in opened) return opened;
  const checkpoint = parseCheckpointText(opened.text);
  if ('problem' in checkpoint) return checkpoint;
  if (checkpoint.origin !== verifier.name)
    return { problem: `the checkpoint is of log ${checkpoint.origin}, the key is ${verifier.name}'s` };
  return checkpoint;
}

/** An Ed25519 signer holding its secret key in memory (the local cloud's, from its data dir). */
export function localSigner(name: string, secretKey: Uint8Array): NoteSigner {
  const publicKey = ed25519.getPublicKey(secretKey);
  return { name, publicKey, sign: async (message) => ed25519.sign(message, secretKey) };
}

export function newSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}
