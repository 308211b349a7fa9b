import * as z from 'zod';
import type { CloudCredentials } from '../local/credentials.ts';
import { MINISTRIES, type Ministry } from '../topology.ts';
import { CliError } from './output.ts';
import type { SigningCredentials } from './signed-request.ts';

/** Who signs what in a smoke run: each agency publishes its event, each ministry's operator reads its view. */
export interface SmokeIdentities {
  readonly region: string;
  /** The events endpoint; absent on AWS, where the SDK knows it from the region. */
  readonly endpoint?: string;
  readonly agencies: Readonly<Record<Ministry, SigningCredentials>>;
  readonly operators: Readonly<Record<Ministry, SigningCredentials>>;
}

const keys = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** Present when the keys are temporary (an assumed role's, `aws sts assume-role`). */
  sessionToken: z.string().min(1).optional(),
});
const ministries = z.enum(MINISTRIES as [Ministry, ...Ministry[]]);

/** The shape of `mx credentials --json`, whose keys may be temporary ones with a session token. */
export const credentialsFileSchema = z.object({
  endpoint: z.url().optional(),
  region: z.string().min(1).optional(),
  agencies: z.record(ministries, keys),
  operators: z.record(ministries, keys),
});

/** Reads a credentials file's JSON, naming every field that is wrong. */
export function identitiesFromFile(
  json: unknown,
  file: string,
  overrides: { region?: string; endpoint?: string },
): SmokeIdentities {
  const parsed = credentialsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`)
      .join('; ');
    throw new CliError(`${file} is not a credentials file like \`mx credentials --json\`: ${issues}`);
  }
  const region = overrides.region ?? parsed.data.region;
  if (!region) throw new CliError(`${file} names no region: add "region" to it or pass --region`);
  const endpoint = overrides.endpoint ?? parsed.data.endpoint;
  return {
    region,
    ...(endpoint ? { endpoint: endpoint.replace(/\/$/, '') } : {}),
    agencies: parsed.data.agencies,
    operators: parsed.data.operators,
  };
}

/** One principal (the SDK's default provider chain) signs for every agency and every ministry. */
export function identitiesFromOnePrincipal(
  credentials: SigningCredentials,
  region: string,
  endpoint?: string,
): SmokeIdentities {
  const everyone = Object.fromEntries(MINISTRIES.map((m) => [m, credentials])) as Record<Ministry, SigningCredentials>;
  return { region, ...(endpoint ? { endpoint } : {}), agencies: everyone, operators: everyone };
}

/** The local cloud's own keys. */
export function identitiesFromLocalCloud(credentials: CloudCredentials, endpoint: string): SmokeIdentities {
  return { region: credentials.region, endpoint, agencies: credentials.agencies, operators: credentials.operators };
}

/** An EventBridge client configuration that keeps a session token (a plain key pair copy would drop it). */
export function eventBridgeConfig(identities: SmokeIdentities, agency: Ministry) {
  return {
    region: identities.region,
    credentials: identities.agencies[agency],
    ...(identities.endpoint ? { endpoint: identities.endpoint } : {}),
  };
}
