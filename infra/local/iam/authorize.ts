/**
 * The hook behind the local cloud's dispatch: `authorize(caller, call) → allowed | refusal`, deciding as AWS
 * would from the stack's own template (see template-policies.ts, evaluate.ts, requests.ts).
 *
 * Callers:
 * - a role session — every local function runs as its execution role; agencies' keys act as their publisher
 *   roles, operators' keys as their operator roles (principal = the assumed-role ARN);
 * - a service principal (EventBridge delivering to a queue), checked against the target's resource policy;
 * - the platform's admin key (mx tools): an account administrator, allowed everything, as an administrator
 *   of the AWS account would be. It is not a role of the stack and no policy of the stack limits it.
 *
 * `aws:SecureTransport`: the queue policies deny every SQS action over plain HTTP. AWS sets the key from the
 * connection; the local cloud speaks HTTP on 127.0.0.1. A request from the same process, or over loopback,
 * never crosses a network, which is what the rule protects, so those count as secure ({@link secureTransport});
 * a plain-HTTP request from any other address counts as insecure and is refused by those policies' Deny, as it
 * would be on AWS.
 */
import { type Decision, evaluate, type RequestPrincipal } from './evaluate.ts';
import type { Policy } from './policy.ts';
import {
  cloudWatchPermissions,
  dynamodbPermissions,
  eventsPermissions,
  invokePermission,
  type PartitionKeyOf,
  type RequiredPermission,
  sqsPermissions,
  type Where,
} from './requests.ts';
import type { StackPolicies } from './template-policies.ts';

export type Caller =
  | { readonly kind: 'account-admin' }
  | { readonly kind: 'role'; readonly role: string; readonly session: string }
  | { readonly kind: 'service'; readonly service: string; readonly sourceArn?: string };

export type ServiceCall =
  | {
      readonly service: 'dynamodb' | 'events' | 'sqs' | 'cloudwatch';
      readonly operation: string;
      readonly body: Readonly<Record<string, unknown>>;
    }
  | {
      readonly service: 'execute-api';
      readonly apiId: string;
      readonly stage: string;
      readonly method: string;
      readonly path: string;
    };

export interface Refusal {
  readonly code: 'AccessDeniedException';
  /** 400 for the JSON protocols (DynamoDB, EventBridge, SQS), 403 for API Gateway, as AWS answers. */
  readonly status: 400 | 403;
  readonly message: string;
}

/** A PutEvents entry refused on its own; the others are accepted. */
export interface EntryRefusal {
  readonly entry: number;
  readonly code: 'NotAuthorizedForSourceException';
  readonly message: string;
}

export type Verdict =
  | { readonly allowed: true; readonly refusedEntries: readonly EntryRefusal[] }
  | { readonly allowed: false; readonly refusal: Refusal };

/** How the request reached the cloud; see the module comment. */
export function secureTransport(how: { inProcess: boolean; tls?: boolean; remoteAddress?: string }): boolean {
  if (how.inProcess || how.tls) return true;
  const address = how.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * AWS's words, as its services send them today: "User: <assumed-role ARN> is not authorized to perform:
 * dynamodb:PutItem on resource: <table ARN> because no identity-based policy allows the dynamodb:PutItem action",
 * status 400 (quoted from real refusals in github.com/ministryofjustice/modernisation-platform/pull/6789 and
 * github.com/anomalyco/sst/issues/4469, where the session name is the Lambda function's name); an explicit deny
 * ends "with an explicit deny in a resource-based policy" / "in an identity-based policy" instead.
 */
export function refusalMessage(who: string, permission: RequiredPermission, decision: Decision): string {
  const base = `User: ${who} is not authorized to perform: ${permission.action} on resource: ${permission.resource}`;
  if (decision.effect === 'explicit-deny') {
    const where = decision.by === 'identity' ? 'an identity-based policy' : 'a resource-based policy';
    const unsupported = decision.unsupported
      ? ` (its condition operator ${decision.unsupported} is not supported locally)`
      : '';
    return `${base} with an explicit deny in ${where}${unsupported}`;
  }
  const unsupported =
    decision.effect === 'implicit-deny' && decision.unsupported
      ? ` (condition operator ${decision.unsupported.join(', ')} is not supported locally; its statement did not apply)`
      : '';
  return `${base} because no identity-based policy allows the ${permission.action} action${unsupported}`;
}

/** Drops condition keys under `prefix`: "could this caller PutEvents on this bus with some source at all?" */
function withoutKeys(policies: readonly Policy[], prefix: string): Policy[] {
  return policies.map((policy) => ({
    name: policy.name,
    statements: policy.statements.map((statement) => {
      if (!statement.condition) return statement;
      const condition = Object.fromEntries(
        Object.entries(statement.condition).map(([operator, keys]) => [
          operator,
          Object.fromEntries(Object.entries(keys).filter(([key]) => !key.startsWith(prefix))),
        ]),
      );
      return { ...statement, condition };
    }),
  }));
}

interface CallerFacts {
  readonly who: string;
  readonly principal: RequestPrincipal;
  readonly identity: readonly Policy[];
  readonly globals: Readonly<Record<string, string>>;
}

export class StackAuthorizer {
  constructor(
    private readonly stack: StackPolicies,
    private readonly where: Where,
    private readonly partitionKeyOf: PartitionKeyOf,
  ) {}

  /** The role an agency's keys act as, by ministry; undefined when the template declares none. */
  agencyRole(ministry: string): string | undefined {
    return this.stack.agencyRoles.get(ministry);
  }

  operatorRole(ministry: string): string | undefined {
    return this.stack.operatorRoles.get(ministry);
  }

  /** A role's logical id by its name (the name in an assumed-role ARN). */
  roleNamed(name: string): string | undefined {
    for (const role of this.stack.roles.values()) if (role.name === name) return role.logicalId;
    return undefined;
  }

  /** The execution role of a function, by the function's logical id. */
  functionRole(functionLogicalId: string): string | undefined {
    return this.stack.functionRoles.get(functionLogicalId);
  }

  /** The assumed-role ARN a role session signs as. */
  sessionArn(role: string, session: string): string {
    const name = this.stack.roles.get(role)?.name ?? role;
    return `arn:${this.where.partition}:sts::${this.where.account}:assumed-role/${name}/${session}`;
  }

  permissionsFor(call: ServiceCall): RequiredPermission[] {
    switch (call.service) {
      case 'dynamodb':
        return dynamodbPermissions(call.operation, call.body, this.where, this.partitionKeyOf);
      case 'events':
        return eventsPermissions(call.operation, call.body, this.where);
      case 'sqs':
        return sqsPermissions(call.operation, call.body, this.where);
      case 'cloudwatch':
        return cloudWatchPermissions(call.operation);
      case 'execute-api':
        return [invokePermission(this.where, call.apiId, call.stage, call.method, call.path)];
    }
  }

  authorize(caller: Caller, call: ServiceCall, secure: boolean): Verdict {
    if (caller.kind === 'account-admin') return { allowed: true, refusedEntries: [] };
    const status = call.service === 'execute-api' ? 403 : 400;
    const permissions = this.permissionsFor(call);
    const { who, principal, identity, globals } = this.principal(caller);
    const refusedEntries: EntryRefusal[] = [];
    let firstEntryDenial: { permission: RequiredPermission; decision: Decision } | undefined;
    for (const permission of permissions) {
      const request = {
        ...permission,
        context: { ...globals, 'aws:securetransport': String(secure), ...permission.context },
      };
      const resourcePolicies = this.stack.resourcePolicies.get(permission.resource) ?? [];
      const decision = evaluate(request, identity, resourcePolicies, principal);
      if (decision.effect === 'allow') continue;
      if (permission.entry === undefined) {
        return {
          allowed: false,
          refusal: { code: 'AccessDeniedException', status, message: refusalMessage(who, permission, decision) },
        };
      }
      firstEntryDenial ??= { permission, decision };
      const source = String(permission.context['events:source'] ?? '');
      refusedEntries.push({
        entry: permission.entry,
        code: 'NotAuthorizedForSourceException',
        message: `Not authorized for the source ${source}. ${refusalMessage(who, permission, decision)}`,
      });
    }
    if (firstEntryDenial && refusedEntries.length === permissions.length) {
      // Every entry refused: if no source at all would be allowed, the caller may not PutEvents here; AWS then
      // refuses the whole call rather than each entry.
      const { permission } = firstEntryDenial;
      const probe = { ...permission, context: { ...globals, 'aws:securetransport': String(secure) } };
      const resourcePolicies = withoutKeys(this.stack.resourcePolicies.get(permission.resource) ?? [], 'events:');
      const anySource = evaluate(probe, withoutKeys(identity, 'events:'), resourcePolicies, principal);
      if (anySource.effect !== 'allow') {
        const message = refusalMessage(who, permission, anySource);
        return { allowed: false, refusal: { code: 'AccessDeniedException', status, message } };
      }
    }
    return { allowed: true, refusedEntries };
  }

  /** Role sessions are few and ask often: their ARNs and policy lists are built once. */
  private readonly sessions = new Map<string, CallerFacts>();

  private principal(caller: Exclude<Caller, { kind: 'account-admin' }>): CallerFacts {
    if (caller.kind === 'role') {
      const key = `${caller.role}\u0000${caller.session}`;
      let facts = this.sessions.get(key);
      if (!facts) {
        facts = this.facts(caller);
        if (this.sessions.size >= 10_000) this.sessions.clear();
        this.sessions.set(key, facts);
      }
      return facts;
    }
    return this.facts(caller);
  }

  private facts(caller: Exclude<Caller, { kind: 'account-admin' }>): CallerFacts {
    if (caller.kind === 'service') {
      return {
        who: caller.service,
        principal: { kind: 'service', service: caller.service },
        identity: [],
        globals: {
          'aws:principalservicename': caller.service,
          ...(caller.sourceArn ? { 'aws:sourcearn': caller.sourceArn, 'aws:sourceaccount': this.where.account } : {}),
        },
      };
    }
    const role = this.stack.roles.get(caller.role);
    const arn = this.sessionArn(caller.role, caller.session);
    const roleArn = role?.arn ?? `arn:${this.where.partition}:iam::${this.where.account}:role/${caller.role}`;
    return {
      who: arn,
      principal: { kind: 'role', arn, roleArn, account: this.where.account },
      // A role the template does not declare has no policies: everything it asks is implicitly denied.
      identity: role?.policies ?? [],
      globals: {
        'aws:principalarn': roleArn,
        'aws:principalaccount': this.where.account,
        'aws:userid': `${role?.name ?? caller.role}:${caller.session}`,
      },
    };
  }
}
