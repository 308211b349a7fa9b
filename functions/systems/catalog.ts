import type { SystemName } from '../domain/views.ts';
import { BERKUT_COMMANDS } from './berkut/commands.ts';
import type { CommandDefinition } from './command.ts';
import { FOREIGN_LABOUR_COMMANDS } from './foreign-labour/commands.ts';
import { QANDAS_COMMANDS } from './qandas/commands.ts';

export const SYSTEM_COMMANDS: Readonly<Record<SystemName, readonly CommandDefinition[]>> = {
  berkut: BERKUT_COMMANDS,
  'foreign-labour': FOREIGN_LABOUR_COMMANDS,
  qandas: QANDAS_COMMANDS,
};

export const SYSTEMS = Object.keys(SYSTEM_COMMANDS) as SystemName[];

export function findCommand(system: SystemName, name: string): CommandDefinition | undefined {
  return SYSTEM_COMMANDS[system].find((c) => c.name === name);
}
