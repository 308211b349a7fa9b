/**
 * `mx cloud start|status|stop` on one data dir, with the cloud in a child
 * process as `npm start` runs it: status reports the process and endpoint
 * from the dir's cloud.json, a second start names the cloud that holds the
 * dir (instead of LevelDB's LOCK error), stop ends it cleanly, and a
 * cloud.json left by a killed cloud is ignored.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type CloudProcess, MX, startCloudProcess } from './cloud-harness.ts';
import { remote } from './target.ts';

const run = promisify(execFile);
const dirs: string[] = [];
const clouds: CloudProcess[] = [];

async function mx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MX, ...args], { env: { ...process.env, MX_DEBUG: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

afterAll(async () => {
  for (const cloud of clouds) {
    cloud.child.kill('SIGKILL');
    await cloud.exited();
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// Remote: skipped, it starts, stops and kills its own cloud processes on their data dirs.
describe.skipIf(remote)('mx cloud on a data dir', () => {
  it('status and stop find the cloud through cloud.json; a second start names the cloud holding the dir', async () => {
    // Prepare: a cloud as `npm start` runs it.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-lifecycle-'));
    dirs.push(dataDir);
    const first = startCloudProcess(dataDir);
    clouds.push(first);
    const endpoint = await first.ready;
    const pid = first.child.pid!;

    // Assess: cloud.json names this process and its endpoint, and status reads it.
    const file = JSON.parse(await readFile(path.join(dataDir, 'cloud.json'), 'utf8'));
    expect(file).toEqual({
      pid,
      port: Number(new URL(endpoint).port),
      endpoint,
      started: expect.any(String),
      inMemory: false,
    });
    const status = await mx('cloud', 'status', '--data-dir', dataDir, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      pid,
      endpoint,
      dataDir,
      inMemory: false,
      pending: 0,
      deadLetters: 0,
    });
    expect((await mx('cloud', 'status', '--data-dir', dataDir)).stdout).toMatch(
      new RegExp(`^running: the cloud at ${endpoint}\\n {2}pid {7}${pid}\\n`),
    );

    // Act: a second start on the same dir.
    const second = await mx('cloud', 'start', '--port', '0', '--data-dir', dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `mx: the data dir ${dataDir} is in use by process ${pid} (the cloud at ${endpoint}, port ${file.port}, ` +
        `started ${file.started}): stop it with \`npx mx cloud stop\`, or start this one with another --data-dir\n`,
    );

    // With cloud.json out of the way the dir's databases are still locked: refused all the same, in one line.
    await rename(path.join(dataDir, 'cloud.json'), path.join(dataDir, 'cloud.json.aside'));
    const locked = await mx('cloud', 'start', '--port', '0', '--data-dir', dataDir);
    await rename(path.join(dataDir, 'cloud.json.aside'), path.join(dataDir, 'cloud.json'));
    expect(locked.code).toBe(1);
    expect(locked.stderr).toBe(
      `mx: the data dir ${dataDir} is in use by another process: stop it with \`npx mx cloud stop\` (or end that ` +
        `process), or start this one with another --data-dir\n`,
    );
    expect(first.child.exitCode).toBeNull();

    // Act: stop it.
    const stopped = await mx('cloud', 'stop', '--data-dir', dataDir);
    expect(stopped).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^stopped the cloud at ${endpoint} \\(pid ${pid}\\) in [\\d.]+ s\\n$`)),
    });
    await first.exited();
    expect(first.child.exitCode).toBe(0);
    expect(await exists(path.join(dataDir, 'cloud.json'))).toBe(false);
    expect(await mx('cloud', 'status', '--data-dir', dataDir)).toMatchObject({
      code: 3,
      stdout: `no cloud is running on ${dataDir}: start it with \`npm start\`\n`,
    });
  });

  it('starts on a dir whose cloud.json a killed cloud left behind', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-lifecycle-'));
    dirs.push(dataDir);
    const killed = startCloudProcess(dataDir);
    clouds.push(killed);
    await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited();
    expect(await exists(path.join(dataDir, 'cloud.json'))).toBe(true);

    const again = startCloudProcess(dataDir);
    clouds.push(again);
    const endpoint = await again.ready;
    expect(JSON.parse(await readFile(path.join(dataDir, 'cloud.json'), 'utf8'))).toMatchObject({
      pid: again.child.pid,
      endpoint,
    });
    expect((await mx('cloud', 'stop', '--data-dir', dataDir, '--json')).stdout).toMatch(/"stopped": true/);
    await again.exited();
  });
});
