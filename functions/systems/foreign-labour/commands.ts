/** The Foreign Labour Force system's commands: quotas and work permits. */
import { events } from '../../../schemas/index.ts';
import { QUOTA_PK } from '../../domain/projections.ts';
import { PATENTS_END } from '../berkut/commands.ts';
import { type CommandDefinition, type CommandPorts, defineCommand, event, ofKind, Refusal } from '../command.ts';

async function existingPermit(
  ports: CommandPorts,
  person: { citizenship?: string; documentNumber?: string; iin?: string },
  permitNumber: string,
) {
  const permit = ofKind(await ports.personRecords(person), 'permit').find((p) => p.state.permitNumber === permitNumber);
  if (!permit) throw new Refusal('permit-not-found', `no permit ${permitNumber} for this person`, 404, 'permitNumber');
  return permit;
}

export const labourQuotaCounter = (year: number, region: string, category: string) =>
  `labour#${year}#${region}#${category}`;

export const setLabourQuota = defineCommand({
  name: 'set-labour-quota',
  system: 'foreign-labour',
  agency: 'labour',
  description: 'Set the quota of foreign labour for a region, year and permit category.',
  input: events.LabourQuotaSet.data,
  emits: [events.LabourQuotaSet],
  async decide(input) {
    return [event(events.LabourQuotaSet, input)];
  },
});

export const issueWorkPermit = defineCommand({
  name: 'issue-work-permit',
  system: 'foreign-labour',
  agency: 'labour',
  description: 'Issue an LEA permit to an employer for a foreigner, or a permit for work for an individual.',
  input: events.WorkPermitIssued.data,
  emits: [events.WorkPermitIssued],
  async decide(input, ports) {
    const records = await ports.personRecords(input.person);
    if (ofKind(records, 'permit').some((p) => p.state.permitNumber === input.permitNumber)) {
      throw new Refusal('permit-number-taken', `permit ${input.permitNumber} already exists`, 409, 'permitNumber');
    }
    if (input.kind === 'individual' && input.validFrom < PATENTS_END) {
      throw new Refusal(
        'patent-period',
        `until ${PATENTS_END} work for individuals is on an Interior patent (issue-patent), not a Labour permit`,
        422,
        'kind',
      );
    }
    if (input.kind === 'lea-employer') {
      const year = Number(input.validFrom.slice(0, 4));
      const quota = labourQuotaCounter(year, input.region, input.category);
      const reservation = await ports.reserve(quota);
      if (reservation === 'no-quota')
        throw new Refusal(
          'no-quota',
          `no labour quota is set for ${input.region}, category ${input.category}, ${year}`,
          409,
          'region',
        );
      if (reservation === 'exhausted') {
        const set = await ports.record(QUOTA_PK, quota);
        const limit = set?.kind === 'labour-quota' ? ` of ${set.state.quota}` : '';
        throw new Refusal(
          'quota-exhausted',
          `the ${year} quota${limit} for ${input.region}, category ${input.category} is exhausted`,
          409,
          'region',
        );
      }
    }
    return [event(events.WorkPermitIssued, input)];
  },
});

export const extendWorkPermit = defineCommand({
  name: 'extend-work-permit',
  system: 'foreign-labour',
  agency: 'labour',
  description: 'Extend an active work permit.',
  input: events.WorkPermitExtended.data,
  emits: [events.WorkPermitExtended],
  async decide(input, ports) {
    const permit = await existingPermit(ports, input.person, input.permitNumber);
    if (permit.state.status !== 'active')
      throw new Refusal('permit-not-active', `permit ${input.permitNumber} was revoked on ${permit.state.revokedOn}`);
    if (input.validUntil <= String(permit.state.validUntil)) {
      throw new Refusal(
        'not-an-extension',
        `the new end ${input.validUntil} is not after the current end ${permit.state.validUntil}`,
        422,
        'validUntil',
      );
    }
    return [event(events.WorkPermitExtended, input)];
  },
});

export const revokeWorkPermit = defineCommand({
  name: 'revoke-work-permit',
  system: 'foreign-labour',
  agency: 'labour',
  description: 'Revoke a work permit.',
  input: events.WorkPermitRevoked.data,
  emits: [events.WorkPermitRevoked],
  async decide(input, ports) {
    const permit = await existingPermit(ports, input.person, input.permitNumber);
    if (permit.state.status !== 'active')
      throw new Refusal('permit-not-active', `permit ${input.permitNumber} is already revoked`);
    return [event(events.WorkPermitRevoked, input)];
  },
});

export const FOREIGN_LABOUR_COMMANDS: readonly CommandDefinition[] = [
  setLabourQuota,
  issueWorkPermit,
  extendWorkPermit,
  revokeWorkPermit,
] as unknown as CommandDefinition[];
