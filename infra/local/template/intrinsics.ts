/**
 * CloudFormation's intrinsic functions, as the local cloud resolves them:
 * `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`,
 * `Fn::If` with the template's `Conditions`, the pseudo parameters, and
 * `{{resolve:secretsmanager:…}}` dynamic references
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 * Pure: what a resource's `Ref` or attribute is comes from the caller. Anything
 * it does not know fails, naming the resource and property it sits in.
 */

export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
}

export interface ResolveContext {
  readonly pseudo: PseudoParameters;
  /** A resource's `Ref` value, or undefined when the template has no such resource. */
  ref(logicalId: string): string | undefined;
  /** A resource's attribute, or undefined when it has none by that name. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** A parameter's value (its default locally). */
  parameter?(name: string): string | undefined;
  /** The value behind `{{resolve:<service>:<reference>}}`. */
  dynamicReference?(service: string, reference: string): string | undefined;
  readonly conditions?: Readonly<Record<string, unknown>>;
}

/** An intrinsic the local cloud cannot resolve; `where` is `<LogicalId>.<property path>`. */
export class IntrinsicError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'IntrinsicError';
  }
}

const DYNAMIC_REFERENCE = /\{\{resolve:([a-z-]+):([^}]*)\}\}/g;

function pseudo(name: string, context: ResolveContext): string | undefined {
  const p = context.pseudo;
  const values: Record<string, string> = {
    'AWS::Region': p.region,
    'AWS::AccountId': p.accountId,
    'AWS::Partition': p.partition,
    'AWS::URLSuffix': p.urlSuffix,
    'AWS::StackName': p.stackName,
    'AWS::StackId': `arn:${p.partition}:cloudformation:${p.region}:${p.accountId}:stack/${p.stackName}/local`,
  };
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

function refValue(name: string, context: ResolveContext, where: string): string {
  const value = pseudo(name, context) ?? context.parameter?.(name) ?? context.ref(name);
  if (value === undefined)
    throw new IntrinsicError(
      where,
      `Ref to ${name}, which is no resource, parameter or pseudo parameter the local cloud knows`,
    );
  return value;
}

function attValue(logicalId: string, attribute: string, context: ResolveContext, where: string): string {
  const value = context.getAtt(logicalId, attribute);
  if (value === undefined)
    throw new IntrinsicError(where, `Fn::GetAtt ${logicalId}.${attribute}: the local cloud has no such attribute`);
  return value;
}

function asString(value: unknown, where: string, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(where, `${what} resolved to ${JSON.stringify(value)}, not a string`);
}

function asList(value: unknown, where: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new IntrinsicError(where, `${what} takes a list, got ${JSON.stringify(value)}`);
  return value;
}

function substitute(
  text: string,
  variables: Readonly<Record<string, unknown>>,
  context: ResolveContext,
  where: string,
): string {
  return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (Object.hasOwn(variables, name)) return asString(variables[name], where, `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return attValue(name.slice(0, dot), name.slice(dot + 1), context, where);
    return refValue(name, context, where);
  });
}

function condition(name: string, context: ResolveContext, where: string): boolean {
  const conditions = context.conditions ?? {};
  if (!Object.hasOwn(conditions, name)) throw new IntrinsicError(where, `the template declares no condition ${name}`);
  return truth(conditions[name], context, `${where} (condition ${name})`);
}

function truth(value: unknown, context: ResolveContext, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && (value === 'true' || value === 'false')) return value === 'true';
  const [key, argument] = onlyEntry(value, where);
  const args = () => asList(argument, where, key);
  switch (key) {
    case 'Condition':
      return condition(asString(argument, where, 'Condition'), context, where);
    case 'Fn::Equals': {
      const [a, b] = args().map((v) => resolveValue(v, context, where));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !truth(args()[0], context, where);
    case 'Fn::And':
      return args().every((v) => truth(v, context, where));
    case 'Fn::Or':
      return args().some((v) => truth(v, context, where));
    default:
      throw new IntrinsicError(where, `${key} is not a condition function`);
  }
}

function onlyEntry(value: unknown, where: string): [string, unknown] {
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  if (entries.length !== 1) throw new IntrinsicError(where, `expected a condition, got ${JSON.stringify(value)}`);
  return entries[0]!;
}

/** `{{resolve:…}}` in a resolved string, replaced by the values behind them. */
function dynamicReferences(text: string, context: ResolveContext, where: string): string {
  return text.replace(DYNAMIC_REFERENCE, (_whole, service: string, reference: string) => {
    const value = context.dynamicReference?.(service, reference);
    if (value === undefined)
      throw new IntrinsicError(
        where,
        `the dynamic reference {{resolve:${service}:${reference}}} names nothing the local cloud holds`,
      );
    return value;
  });
}

/** Resolves every intrinsic in `value`; `where` names it in errors (`<LogicalId>.<property path>`). */
export function resolveValue(value: unknown, context: ResolveContext, where: string): unknown {
  if (typeof value === 'string') return dynamicReferences(value, context, where);
  if (Array.isArray(value)) return value.map((v, i) => resolveValue(v, context, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [key, argument] = entries.length === 1 ? entries[0]! : ['', undefined];
  if (key === 'Ref') return refValue(asString(argument, where, 'Ref'), context, where);
  if (key.startsWith('Fn::') || key === 'Condition') {
    const str = (v: unknown, what: string) => asString(resolveValue(v, context, where), where, what);
    switch (key) {
      case 'Fn::GetAtt': {
        const [logicalId, attribute] =
          typeof argument === 'string'
            ? argument.split(/\.(.*)/s)
            : asList(argument, where, key).map((v) => str(v, key));
        return attValue(String(logicalId), String(attribute), context, where);
      }
      case 'Fn::Join': {
        const [separator, parts] = asList(argument, where, key);
        const list = asList(resolveValue(parts, context, where), where, 'Fn::Join');
        return dynamicReferences(
          list.map((p) => asString(p, where, 'a Fn::Join part')).join(asString(separator, where, 'Fn::Join separator')),
          context,
          where,
        );
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : asList(argument, where, key);
        const resolved = resolveValue(variables ?? {}, context, where) as Record<string, unknown>;
        return dynamicReferences(
          substitute(asString(text, where, 'Fn::Sub'), resolved, context, where),
          context,
          where,
        );
      }
      case 'Fn::Select': {
        const [index, list] = asList(argument, where, key);
        const items = asList(resolveValue(list, context, where), where, key);
        const i = Number(resolveValue(index, context, where));
        if (!Number.isInteger(i) || i < 0 || i >= items.length)
          throw new IntrinsicError(where, `Fn::Select index ${i} is outside a list of ${items.length}`);
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, text] = asList(argument, where, key);
        return str(text, key).split(asString(separator, where, 'Fn::Split separator'));
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = asList(argument, where, key);
        return resolveValue(
          condition(asString(name, where, 'Fn::If condition'), context, where) ? whenTrue : whenFalse,
          context,
          where,
        );
      }
      default:
        throw new IntrinsicError(where, `${key} is an intrinsic function the local cloud does not resolve`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v, context, `${where}.${k}`)]));
}

/** Resolves a value that must come out a string. */
export function resolveString(value: unknown, context: ResolveContext, where: string): string {
  return asString(resolveValue(value, context, where), where, 'the value');
}
