/**
 * Who holds which keys on the local cloud, and the IAM ARN each caller
 * carries. Agencies and operators sign with the data dir's keys as their
 * roles (`mx-agency-<id>`, `mx-operator-<ministry>`, named in the template);
 * every other role in the template — each function's own — gets a key pair
 * for this run, which only in-process clients ever hold. The platform's keys
 * (mx's admin calls) are the account's.
 */
import { randomBytes } from 'node:crypto';
import type { Ministry } from '../topology.ts';
import type { Caller } from './authorize.ts';
import type { CloudCredentials, KeyPair } from './credentials.ts';
import type { LocalRole } from './template/resources/roles.ts';

/** The IAM role names the local cloud presents as callers (the stack names them so locally: exchange-stack.ts). */
export const agencyRoleName = (agency: Ministry) => `mx-agency-${agency}`;
export const operatorRoleName = (ministry: Ministry) => `mx-operator-${ministry}`;

export const assumedRoleArn = (account: string, role: string, session: string) =>
  `arn:aws:sts::${account}:assumed-role/${role}/${session}`;

export interface KeyHolder {
  readonly secret: string;
  readonly caller: Caller;
}

export interface Keyring {
  readonly keys: ReadonlyMap<string, KeyHolder>;
  /** The key pair of a template role (its logical id), for the function that runs as it. */
  readonly roleKeys: ReadonlyMap<string, KeyPair>;
}

function localKeyPair(): KeyPair {
  return {
    accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

/**
 * `sessions` names each role's session (the function that assumes it); roles without one use `local`.
 * Fails if the template lacks a role the data dir's keys stand for.
 */
export function keyringFor(
  credentials: CloudCredentials,
  roles: readonly LocalRole[],
  account: string,
  sessions: ReadonlyMap<string, string>,
): Keyring {
  const keys = new Map<string, KeyHolder>();
  const names = new Set(roles.map((r) => r.name));
  const roleArn = (role: string) => {
    if (!names.has(role))
      throw new Error(
        `the template has no role ${role}, which the data dir's keys act as (infra/stacks/exchange-stack.ts names it)`,
      );
    return assumedRoleArn(account, role, 'local');
  };
  for (const [id, pair] of Object.entries(credentials.agencies) as [
    Ministry,
    CloudCredentials['agencies'][Ministry],
  ][]) {
    keys.set(pair.accessKeyId, {
      secret: pair.secretAccessKey,
      caller: { kind: 'agency', id, sources: pair.sources, arn: roleArn(agencyRoleName(id)) },
    });
  }
  for (const [ministry, pair] of Object.entries(credentials.operators) as [Ministry, KeyPair][]) {
    keys.set(pair.accessKeyId, {
      secret: pair.secretAccessKey,
      caller: { kind: 'operator', ministry, arn: roleArn(operatorRoleName(ministry)) },
    });
  }
  keys.set(credentials.platform.accessKeyId, {
    secret: credentials.platform.secretAccessKey,
    caller: { kind: 'platform', arn: `arn:aws:iam::${account}:root` },
  });
  const claimed = new Set([
    ...Object.keys(credentials.agencies).map((a) => agencyRoleName(a as Ministry)),
    ...Object.keys(credentials.operators).map((m) => operatorRoleName(m as Ministry)),
  ]);
  const roleKeys = new Map<string, KeyPair>();
  for (const role of roles) {
    if (claimed.has(role.name)) continue;
    const pair = localKeyPair();
    roleKeys.set(role.logicalId, pair);
    // What a function may do is its role's policies' (the authorize hook reads its ARN); `platform` only says its
    // keys are the platform's own, held by no one outside this process.
    keys.set(pair.accessKeyId, {
      secret: pair.secretAccessKey,
      caller: { kind: 'platform', arn: assumedRoleArn(account, role.name, sessions.get(role.logicalId) ?? 'local') },
    });
  }
  return { keys, roleKeys };
}
