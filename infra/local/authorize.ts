/**
 * The one place the local cloud decides whether a caller may make a request,
 * after SigV4 (or the in-process handler) has said who the caller is. Every
 * AWS call and API request passes through here with the caller's IAM ARN —
 * a function's own role's (`arn:aws:sts::<account>:assumed-role/<RoleName>/<function>`),
 * an agency's or operator's role's, or the platform's. The local cloud decides
 * with the template's own IAM (infra/local/iam, `cloudAuthorize`); tests may
 * pass another decision.
 */
import type { Principal } from './credentials.ts';

/** Who is calling: the principal the keys belong to, and the ARN IAM would see. */
export type Caller = Principal & { readonly arn: string };

export interface AuthorizationRequest {
  /** The IAM service prefix: `dynamodb`, `events`, `sqs`, `execute-api`. */
  readonly service: string;
  /** The operation (`PutEvents`, `Query`, `Invoke`…). */
  readonly action: string;
  /** The request's parameters as the service received them (resources, condition keys); parsed only when asked. */
  readonly parameters: () => Readonly<Record<string, unknown>>;
}

/** A PutEvents entry refused on its own (its index in `Entries`); the others are still published. */
export interface RefusedEntry {
  readonly entry: number;
  readonly code: string;
  readonly message: string;
}

/**
 * A refusal is sent as it is (`AccessDeniedException`, AWS's words), with `status` when given (400 on the JSON
 * protocols, 403 from API Gateway).
 */
export type Authorization =
  | { readonly allowed: true; readonly refusedEntries?: readonly RefusedEntry[] }
  | { readonly allowed: false; readonly refusal: string; readonly status?: 400 | 403 };

export type Authorize = (caller: Caller, request: AuthorizationRequest) => Authorization;

export const allowEverything: Authorize = () => ({ allowed: true });
