/**
 * Where signed checkpoints are kept so that they cannot be rewritten: on
 * AWS an S3 bucket with Object Lock in compliance mode (no one, the root
 * user included, can delete or overwrite a locked object version before its
 * retention ends); on the local cloud a folder of the data dir, each file
 * created once and left read-only. One object per checkpoint, named by tree
 * size and time so that a listing is in log order.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LogName } from './logs.ts';

export interface ArchivedCheckpoint {
  /** File or object name, for naming it in reports. */
  readonly name: string;
  readonly size: number;
  readonly time: number;
  /** The signed note, as archived (checked by whoever reads it). */
  readonly note: string;
}

export interface CheckpointArchive {
  /** Where it is, for reports: a folder or an s3:// URL. */
  readonly location: string;
  put(log: LogName, checkpoint: { size: number; time: number }, note: string): Promise<string>;
  /** Every archived checkpoint of a log, in order of size, then time. */
  list(log: LogName): Promise<ArchivedCheckpoint[]>;
  latest(log: LogName): Promise<ArchivedCheckpoint | undefined>;
}

const NAME = /^(\d{16})-(\d{12})\.checkpoint$/;
export const checkpointName = (size: number, time: number) =>
  `${String(size).padStart(16, '0')}-${String(time).padStart(12, '0')}.checkpoint`;

function parseName(name: string): { size: number; time: number } | undefined {
  const match = NAME.exec(name);
  return match ? { size: Number(match[1]), time: Number(match[2]) } : undefined;
}

/** The local cloud's archive: `<dir>/<log>/<size>-<time>.checkpoint`, created exclusively, read-only. */
export class DirectoryArchive implements CheckpointArchive {
  constructor(readonly location: string) {}

  async put(log: LogName, { size, time }: { size: number; time: number }, note: string): Promise<string> {
    const dir = path.join(this.location, log);
    await mkdir(dir, { recursive: true });
    const name = checkpointName(size, time);
    // Written whole and synced under a temporary name, then linked to its own: a crash leaves either no checkpoint
    // or a whole one, and link() fails rather than replace a checkpoint already archived.
    const temporary = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.partial`);
    const file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o444);
    try {
      await file.writeFile(note);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await link(temporary, path.join(dir, name));
    } finally {
      await unlink(temporary);
    }
    const folder = await open(dir, constants.O_RDONLY);
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    return `${log}/${name}`;
  }

  async list(log: LogName): Promise<ArchivedCheckpoint[]> {
    const dir = path.join(this.location, log);
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? [] : Promise.reject(error),
    );
    const found = names.flatMap((name) => {
      const parsed = parseName(name);
      return parsed ? [{ name, ...parsed }] : [];
    });
    found.sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(
      found.map(async (f) => ({
        name: `${log}/${f.name}`,
        size: f.size,
        time: f.time,
        note: await readFile(path.join(dir, f.name), 'utf8'),
      })),
    );
  }

  async latest(log: LogName): Promise<ArchivedCheckpoint | undefined> {
    return (await this.list(log)).at(-1);
  }
}

/**
 * The AWS archive: `s3://<bucket>/<log>/<size>-<time>.checkpoint`, written
 * only if absent, and `<log>/latest.checkpoint` pointing at the newest (a new
 * version per checkpoint; Object Lock keeps every version).
 */
export class S3Archive implements CheckpointArchive {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    this.location = `s3://${bucket}`;
  }

  async put(log: LogName, { size, time }: { size: number; time: number }, note: string): Promise<string> {
    const key = `${log}/${checkpointName(size, time)}`;
    // A checksum is required on writes to a bucket with an Object Lock retention;
    // If-None-Match keeps a name written once.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: note,
        ContentType: 'text/plain; charset=utf-8',
        ChecksumAlgorithm: 'SHA256',
        IfNoneMatch: '*',
      }),
    );
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${log}/latest.checkpoint`,
        Body: note,
        ContentType: 'text/plain; charset=utf-8',
        ChecksumAlgorithm: 'SHA256',
        Metadata: { checkpoint: key },
      }),
    );
    return key;
  }

  async list(log: LogName): Promise<ArchivedCheckpoint[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${log}/`, ContinuationToken }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key && parseName(object.Key.slice(log.length + 1))) keys.push(object.Key);
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    const out: ArchivedCheckpoint[] = [];
    for (const key of keys.sort()) {
      const parsed = parseName(key.slice(log.length + 1))!;
      out.push({ name: key, ...parsed, note: await this.read(key) });
    }
    return out;
  }

  async latest(log: LogName): Promise<ArchivedCheckpoint | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${log}/latest.checkpoint` }),
      );
      const key = object.Metadata?.checkpoint ?? '';
      const parsed = parseName(key.slice(log.length + 1));
      if (!parsed) return undefined;
      return { name: key, ...parsed, note: await this.read(key) };
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private async read(key: string): Promise<string> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }
}
