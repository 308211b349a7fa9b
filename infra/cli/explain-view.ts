/** `mx explain`'s text: three short blocks a newcomer reads top to bottom (Declared, Runs as, May touch). */
import type { Explanation, Grant, RoleAccess } from './explain.ts';

const KIND_LABEL: Readonly<Record<Explanation['kind'], string>> = {
  subscription: 'subscription',
  'command-api': 'command API',
  'query-api': 'query API',
  table: 'table',
  role: 'IAM role',
};

function value(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length ? v.join(', ') : '(none)';
  return JSON.stringify(v);
}

function facts(record: Readonly<Record<string, unknown>>, indent: string): string[] {
  return Object.entries(record).map(([key, v]) => `${indent}${key}: ${value(v)}`);
}

function grantLines(grant: Grant): string[] {
  const verb = grant.effect === 'Allow' ? 'allow' : 'DENY';
  const actions = `${grant.notActions ? 'every action except ' : ''}${grant.actions.join(', ')}`;
  return [
    `  ${verb} ${actions}`,
    `    on ${grant.resourceNames.join(', ')}`,
    ...grant.conditions.map((c) => `    if ${c}`),
  ];
}

function accessLines(title: string, access: readonly RoleAccess[] | undefined): string[] {
  if (!access) return [];
  if (!access.length) return [`  ${title}: no role`];
  return [
    `  ${title}:`,
    ...access.flatMap((a) => [
      `    ${a.role} (${a.actsFor.join(', ') || 'nobody acts as it'}): ${a.actions.join(', ')}`,
      ...a.conditions.map((c) => `      if ${c}`),
    ]),
  ];
}

export function renderExplanation(e: Explanation): string {
  const lines = [`${e.name} — ${KIND_LABEL[e.kind]}`, ''];
  lines.push('Declared');
  if (e.declared) {
    lines.push(`  in ${e.declared.where} (${e.declared.section})`, ...facts(e.declared.facts, '  '));
  } else {
    lines.push('  not in the topology: the stack declares it (infra/stacks, infra/constructs)');
  }
  lines.push('', 'Runs as (the synthesized template)');
  for (const r of e.runsAs.resources) {
    lines.push(`  ${r.type} ${r.logicalId}${r.localName !== r.logicalId ? ` — locally ${r.localName}` : ''}`);
    lines.push(...facts(r.details, '    '));
  }
  for (const route of e.runsAs.routes) {
    lines.push(`  route ${route.method} ${route.path} (auth ${route.authorization})`);
  }
  if (!e.runsAs.resources.length && !e.runsAs.routes.length) lines.push('  nothing in the template');
  lines.push('', 'May touch (the template\u2019s IAM policies)');
  if (e.mayTouch.role) lines.push(`  as role ${e.mayTouch.role.name} (${e.mayTouch.role.logicalId})`);
  lines.push(...e.mayTouch.grants.flatMap(grantLines));
  lines.push(...accessLines('may write', e.mayTouch.writers), ...accessLines('may read', e.mayTouch.readers));
  if (e.mayTouch.role && !e.mayTouch.grants.length) lines.push('  nothing: the role has no policy');
  if (e.seeAlso.length) lines.push('', `See also: ${e.seeAlso.map((n) => `mx explain ${n}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
