import { describe, expect, it } from 'vitest';
import {
  checkpointText,
  keyIdOf,
  localSigner,
  newSecretKey,
  openCheckpoint,
  openNote,
  parseCheckpointText,
  parseVkey,
  signNote,
  verifierOf,
  vkeyText,
} from '../../functions/merkle/checkpoint.ts';
import { leafBytes, leafContent, rowLeafHash } from '../../functions/merkle/leaf.ts';
import { checkProofFile, PROOF_FORMAT, type ProofFile } from '../../functions/merkle/proof-file.ts';
import { edgeTiles, nodeFromTile, nodeSpan, storedSlot, TileBuffer } from '../../functions/merkle/tiles.ts';
import {
  inclusionRanges,
  leafHash,
  type NodeId,
  rangeHash,
  referenceRoot,
  TreeEdge,
} from '../../functions/merkle/tree.ts';

const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const signer = localSigner('example.kz/exchange-log', secret);
const verifier = verifierOf(signer.name, signer.publicKey);
const root = leafHash(new TextEncoder().encode('root'));

describe('signed checkpoints (C2SP signed note + tlog-checkpoint)', () => {
  it('verifies the C2SP signed-note example vkey and its key id rule', () => {
    // From c2sp.org/signed-note: the example vkey's id is SHA-256(name || 0x0A || 0x01 || key)[:4].
    const example = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    expect(Buffer.from(example.keyId).toString('hex')).toBe('530d903a');
    const note =
      'This is an example message.\n\n\u2014 example.com/foo ' +
      'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(openNote(note, example)).toEqual({ text: 'This is an example message.\n' });
    expect(openNote(note.replace('example message', 'example massage'), example)).toMatchObject({
      problem: expect.stringMatching(/does not verify/),
    });
  });

  it('signs a checkpoint that opens with its key and reads back as written', async () => {
    const note = await signNote(checkpointText({ origin: signer.name, size: 1234, root, time: 1764460800 }), signer);
    expect(note).toMatch(
      new RegExp(
        String.raw`^example\.kz/exchange-log\n1234\n[A-Za-z0-9+/]{43}=\ntime 1764460800\n\n` +
          String.raw`\u2014 example\.kz/exchange-log [A-Za-z0-9+/=]+\n$`,
      ),
    );
    expect(openCheckpoint(note, verifier)).toEqual({ origin: signer.name, size: 1234, root, time: 1764460800 });
  });

  it('refuses a checkpoint signed by another key, one altered after signing, and one of another log', async () => {
    const text = checkpointText({ origin: signer.name, size: 10, root, time: 1 });
    const stranger = localSigner(signer.name, newSecretKey());
    expect(openCheckpoint(await signNote(text, stranger), verifier)).toEqual({
      problem: `the note carries no signature by ${vkeyText(verifier)}`,
    });
    const genuine = await signNote(text, signer);
    expect(openCheckpoint(genuine.replace('\n10\n', '\n11\n'), verifier)).toMatchObject({
      problem: expect.stringMatching(/does not verify/),
    });
    const otherLog = localSigner('example.kz/access-ledger', secret);
    expect(
      openCheckpoint(
        await signNote(checkpointText({ origin: otherLog.name, size: 10, root, time: 1 }), otherLog),
        verifierOf(otherLog.name, otherLog.publicKey),
      ),
    ).toMatchObject({ size: 10 });
    expect(openCheckpoint(genuine, verifierOf(otherLog.name, otherLog.publicKey))).toMatchObject({
      problem: expect.stringMatching(/no signature by example\.kz\/access-ledger/),
    });
  });

  it('ignores signatures of other keys beside the log\u2019s own (witness cosignatures)', async () => {
    const text = checkpointText({ origin: signer.name, size: 3, root, time: 5 });
    const witness = localSigner('witness.example/w1', newSecretKey());
    const both = `${await signNote(text, witness)}${(await signNote(text, signer)).split('\n\n')[1]}`;
    expect(openCheckpoint(both, verifier)).toMatchObject({ size: 3 });
  });

  it('reads only checkpoint texts in the exact format', () => {
    const good = checkpointText({ origin: 'a/b', size: 0, root, time: 0 });
    expect(parseCheckpointText(good)).toMatchObject({ size: 0, time: 0 });
    for (const bad of [
      good.replace('\n0\n', '\n00\n'),
      good.replace('\n0\n', '\n-1\n'),
      good.replace('time 0', 'time x'),
      good.slice(0, -1),
      good.replace('\ntime 0', ''),
      `${good}\n`,
    ]) {
      expect(parseCheckpointText(bad)).toHaveProperty('problem');
    }
  });

  it('round-trips vkeys and refuses malformed ones, naming the fault', () => {
    expect(parseVkey(vkeyText(verifier))).toEqual(verifier);
    expect(Buffer.from(keyIdOf(signer.name, signer.publicKey)).toString('hex')).toBe(vkeyText(verifier).split('+')[1]);
    expect(() => parseVkey('a+b')).toThrow(/<name>\+<key id hex>\+<base64 key>/);
    expect(() => parseVkey(vkeyText(verifier).replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(
      /does not match its name and key/,
    );
    expect(() => parseVkey('a b+00000000+AQ==')).toThrow();
  });
});

describe('leaves', () => {
  it('are the canonical JSON of the typed row without its position, binary as base64 and sets sorted', () => {
    const row = {
      pk: { S: 'x#1' },
      leafIndex: { N: '7' },
      leafShard: { N: '7' },
      n: { N: '1.5' },
      b: { B: new Uint8Array([1, 2, 3]) },
      ss: { SS: ['b', 'a'] },
      m: { M: { z: { BOOL: true }, a: { NULL: true as const } } },
    };
    expect(new TextDecoder().decode(leafBytes(row))).toBe(
      '{"b":{"B":"AQID"},"m":{"M":{"a":{"NULL":true},"z":{"BOOL":true}}},' +
        '"n":{"N":"1.5"},"pk":{"S":"x#1"},"ss":{"SS":["a","b"]}}',
    );
    // The proof file's form (binary already base64) gives the same leaf.
    expect(Buffer.from(rowLeafHash(leafContent(row))).toString('hex')).toBe(
      Buffer.from(rowLeafHash(row)).toString('hex'),
    );
    // Moving a row changes nothing in its leaf; changing a byte does.
    expect(rowLeafHash({ ...row, leafIndex: { N: '8' }, leafShard: { N: '0' } })).toEqual(rowLeafHash(row));
    expect(rowLeafHash({ ...row, pk: { S: 'x#2' } })).not.toEqual(rowLeafHash(row));
  });
});

describe('tiles', () => {
  const leaves = Array.from({ length: 70_000 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));

  it('store every complete subtree a proof needs, in tiles that grow only at their right edge', () => {
    const buffer = new TileBuffer();
    const edge = new TreeEdge();
    for (const leaf of leaves) edge.append(leaf, (node, hash) => buffer.add(node, hash));
    const tiles = new Map(buffer.drain().map((t) => [`${t.tile.level}/${t.tile.index}`, t.hashes]));
    // Level 0: 274 tiles of leaves; level 1: 273 complete 256-leaf subtrees in 2 tiles; level 2: one 65,536-leaf
    // subtree.
    expect(tiles.size).toBe(274 + 2 + 1);
    const node = (id: NodeId) => {
      const { tile, from, count } = nodeSpan(id);
      return nodeFromTile(tiles.get(`${tile.level}/${tile.index}`)!, from, count);
    };
    for (const index of [0, 255, 256, 65_535, 65_536, 69_999]) {
      const proof = inclusionRanges(index, 70_000).map((r) => rangeHash(r, node));
      expect(proof).toEqual(inclusionRanges(index, 70_000).map((r) => referenceRoot(leaves.slice(r.start, r.end))));
    }
    expect(edgeTiles(70_000)).toEqual([
      { tile: { level: 0, index: 273 }, width: 70_000 % 256 },
      { tile: { level: 1, index: 1 }, width: 273 - 256 },
      { tile: { level: 2, index: 0 }, width: 1 },
    ]);
    expect(storedSlot({ level: 3, index: 1 })).toBeUndefined();
  });
});

describe('proof files', () => {
  async function proofFile(): Promise<ProofFile> {
    const rows = Array.from({ length: 5 }, (_, i) => ({
      pk: { S: `kz.interior.berkut#${i}` },
      purpose: { S: `row ${i}` },
    }));
    const hashes = rows.map(rowLeafHash);
    const node = ({ level, index }: NodeId) =>
      referenceRoot(hashes.slice(index * 2 ** level, (index + 1) * 2 ** level));
    const note = await signNote(
      checkpointText({ origin: signer.name, size: 5, root: referenceRoot(hashes), time: 1764460800 }),
      signer,
    );
    return {
      format: PROOF_FORMAT,
      kind: 'proof',
      log: 'exchange-log',
      leafIndex: 3,
      treeSize: 5,
      row: leafContent(rows[3]!),
      inclusionProof: inclusionRanges(3, 5).map((r) => Buffer.from(rangeHash(r, node)).toString('base64')),
      checkpoint: note,
      vkey: vkeyText(verifier),
    };
  }

  it('hold when everything is as signed, and say the key was not pinned when it came from the file', async () => {
    const file = await proofFile();
    expect(checkProofFile(file, vkeyText(verifier))).toMatchObject({
      ok: true,
      keyPinned: true,
      established: { leafIndex: 3, treeSize: 5, signedAt: '2025-11-30T00:00:00.000Z' },
    });
    expect(checkProofFile(file)).toMatchObject({ ok: true, keyPinned: false });
  });

  it('fail naming the check: a changed row, a moved leaf, a proof of another size, a self-asserted key', async () => {
    const file = await proofFile();
    const cases: [string, (f: ProofFile) => void, RegExp][] = [
      ['row', (f) => (f.row.purpose = { S: 'row 4' }), /^inclusion: /],
      ['index', (f) => (f.leafIndex = 2), /^inclusion: /],
      ['size', (f) => (f.treeSize = 6), /^tree size: /],
      ['format', (f) => ((f as { format: string }).format = 'x'), /^format: /],
      ['hash', (f) => (f.inclusionProof[0] = `${'A'.repeat(43)}=`), /^inclusion: /],
    ];
    for (const [name, change, expected] of cases) {
      const altered = structuredClone(file);
      change(altered);
      expect(checkProofFile(altered, vkeyText(verifier)).problem, name).toMatch(expected);
    }
    // A forger who re-signs with their own key and ships their key in the file fools only a verifier who does not pin.
    const forger = localSigner(signer.name, newSecretKey());
    const forged = {
      ...file,
      checkpoint: await signNote(file.checkpoint.slice(0, file.checkpoint.lastIndexOf('\n\n') + 1), forger),
      vkey: vkeyText(verifierOf(forger.name, forger.publicKey)),
    };
    expect(checkProofFile(forged)).toMatchObject({ ok: true, keyPinned: false });
    expect(checkProofFile(forged, vkeyText(verifier))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^checkpoint signature: /),
    });
  });

  it('checks an exchange-log row\u2019s digest against its detail', async () => {
    const { eventDigest } = await import('../../functions/merkle/proof-file.ts');
    expect(eventDigest('kz.interior.berkut', 'StayRegistered', '{"a":1}')).toMatch(/^[0-9a-f]{64}$/);
  });
});
