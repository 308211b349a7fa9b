import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExchangeStack, type ExchangeStackProps } from '../../infra/stacks/exchange-stack.ts';
import { TOPOLOGY } from '../../infra/topology.ts';

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

/**
 * The exchange stack as the app builds it, without bundling the Lambda code
 * (`aws:cdk:bundling-stacks: []`): these tests read the template, not the
 * bundles, and esbuild for fifteen functions would cost a minute of CPU.
 * test/infra/exchange-stack.test.ts synthesizes with bundling.
 */
export function synthExchangeStack(props: Partial<ExchangeStackProps> = {}) {
  const app = new App({ context: { stage: 'test', 'aws:cdk:bundling-stacks': [] } });
  const stack = new ExchangeStack(app, 'MxTest', {
    topology: TOPOLOGY,
    retainData: false,
    archiveRetentionDays: 30,
    ...props,
  });
  return { app, stack };
}

export function templateOf(props: Partial<ExchangeStackProps> = {}) {
  const { stack } = synthExchangeStack(props);
  const template = Template.fromStack(stack);
  const json = template.toJSON() as {
    Resources: Record<string, CfnResource>;
    Outputs?: Record<string, { Value: unknown }>;
    Metadata?: Record<string, unknown>;
  };
  const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  return { template, json, resources: json.Resources, ofType };
}

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
export function logicalIdOf(ref: unknown): string | undefined {
  const value = ref as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return value?.Ref ?? value?.['Fn::GetAtt']?.[0];
}

/**
 * A CloudFormation intrinsic as text: `{ Ref: X }` → `<Ref:X>`, `{ Fn::GetAtt: [X, A] }`
 * → `<X.A>`; a `Fn::Join` joined.
 */
export function renderIntrinsic(value: unknown, placeholder: (intrinsic: string) => string = (i) => `<${i}>`): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return placeholder(`Ref:${v.Ref}`);
  if (v['Fn::GetAtt']) return placeholder(`${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`);
  if (v['Fn::Join']) return v['Fn::Join'][1].map((part) => renderIntrinsic(part, placeholder)).join(v['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}
