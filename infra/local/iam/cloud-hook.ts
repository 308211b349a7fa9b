/**
 * The evaluator behind the local cloud's `authorize(caller, request) → allowed | refusal` hook (h/tmpl's
 * `infra/local/authorize.ts`: `Authorize = (caller: Caller, request: AuthorizationRequest) => Authorization`).
 * Typed structurally here so this module compiles on its own and is assignable to that type once both land.
 *
 * The caller is known by the ARN IAM would see: `arn:aws:sts::<account>:assumed-role/<role name>/<session>` for a
 * function's, an agency's or an operator's role, and `arn:aws:iam::<account>:root` for the platform's admin key
 * (the account administrator, allowed everything). A role name the template does not declare has no policies.
 *
 * Transport: the hook's caller carries none, and every request it sees arrives in-process or on the cloud's
 * 127.0.0.1 listener, so `aws:SecureTransport` is true unless `secure` says otherwise (see authorize.ts).
 */
import type { EntryRefusal, ServiceCall, StackAuthorizer } from './authorize.ts';

export interface HookCaller {
  readonly arn: string;
}

export interface HookRequest {
  readonly service: string;
  readonly action: string;
  readonly parameters: () => Readonly<Record<string, unknown>>;
}

export type HookAuthorization =
  | { readonly allowed: true; readonly refusedEntries?: readonly EntryRefusal[] }
  | { readonly allowed: false; readonly refusal: string; readonly status: 400 | 403 };

export interface RestApiStage {
  readonly apiId: string;
  readonly stage: string;
}

/** `arn:aws:sts::<account>:assumed-role/<name>/<session>` → name and session; undefined for any other ARN. */
export function assumedRole(arn: string): { name: string; session: string } | undefined {
  const marker = ':assumed-role/';
  const at = arn.indexOf(marker);
  if (!arn.startsWith('arn:') || !arn.includes(':sts::') || at < 0) return undefined;
  const rest = arn.slice(at + marker.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  return { name: rest.slice(0, slash), session: rest.slice(slash + 1) };
}

export function cloudAuthorize(
  authorizer: StackAuthorizer,
  api: RestApiStage,
  secure: (caller: HookCaller) => boolean = () => true,
): (caller: HookCaller, request: HookRequest) => HookAuthorization {
  return (caller, request) => {
    if (/^arn:[^:]+:iam::\d{12}:root$/.test(caller.arn)) return { allowed: true };
    const role = assumedRole(caller.arn);
    const who = role
      ? { kind: 'role' as const, role: authorizer.roleNamed(role.name) ?? role.name, session: role.session }
      : undefined;
    const call = callOf(request, api);
    if (!who || !call) {
      const refusal = `User: ${caller.arn} is not authorized to perform: ${request.service}:${request.action}`;
      return { allowed: false, refusal, status: request.service === 'execute-api' ? 403 : 400 };
    }
    const verdict = authorizer.authorize(who, call, secure(caller));
    if (verdict.allowed) return verdict.refusedEntries.length ? verdict : { allowed: true };
    return { allowed: false, refusal: verdict.refusal.message, status: verdict.refusal.status };
  };
}

function callOf(request: HookRequest, api: RestApiStage): ServiceCall | undefined {
  const parameters = request.parameters();
  switch (request.service) {
    case 'dynamodb':
    case 'events':
    case 'sqs':
    case 'cloudwatch':
      return { service: request.service, operation: request.action, body: parameters };
    case 'execute-api':
      return {
        service: 'execute-api',
        ...api,
        method: String(parameters.method ?? ''),
        path: String(parameters.path ?? ''),
      };
    default:
      return undefined;
  }
}
