/**
 * What `mx explain` runs: the template (cached, or synthesized with the CDK loaded lazily when the sources changed),
 * the topology and its source text, turned into an explanation. Loaded from the sources at run time
 * (explain-command.ts), never bundled: the template source module finds the repository from its own location.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { loadTemplate } from '../local/template/source.ts';
import { REPO_ROOT } from '../paths.ts';
import { TOPOLOGY } from '../topology.ts';
import { type Explanation, explain, UnknownNameError } from './explain.ts';
import { renderExplanation } from './explain-view.ts';

export { UnknownNameError };

export async function explainByName(name: string, log: (message: string) => void): Promise<Explanation> {
  const template = await loadTemplate(undefined, log);
  const source = await readFile(path.join(REPO_ROOT, 'infra', 'topology.ts'), 'utf8').catch(() => '');
  return explain(name, template, TOPOLOGY, source);
}

export { renderExplanation };
