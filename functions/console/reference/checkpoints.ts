/**
 * Border checkpoints by the code the contract carries (`KZ-<PLACE>-<MODE>`,
 * schemas/events/border-service.ts). The places the simulator and the
 * examples use are named here; any other code is read from its parts
 * ("KZ-KARASU-RAIL" → "Karasu (rail)").
 */
const KNOWN: Readonly<Record<string, string>> = {
  'KZ-ALA-AIR': 'Almaty airport',
  'KZ-NQZ-AIR': 'Astana airport',
  'KZ-AKTAU-SEA': 'Aktau seaport',
  'KZ-KHORGOS-ROAD': 'Khorgos (road, China)',
  'KZ-KORDAI-ROAD': 'Kordai (road, Kyrgyzstan)',
  'KZ-PETROPAVL-RAIL': 'Petropavl (rail, Russia)',
  'KZ-TEMIRBABA-ROAD': 'Temirbaba (road, Turkmenistan)',
  'KZ-ZHIBEKZHOLY-ROAD': 'Zhibek Zholy (road, Uzbekistan)',
};

const MODES: Readonly<Record<string, string>> = { AIR: 'airport', ROAD: 'road', RAIL: 'rail', SEA: 'seaport' };

export function checkpointName(code: string): string {
  const known = KNOWN[code];
  if (known) return known;
  const match = /^KZ-([A-Z0-9]+)-(AIR|ROAD|RAIL|SEA)$/.exec(code);
  if (!match) return code;
  const place = match[1]!.charAt(0) + match[1]!.slice(1).toLowerCase();
  return `${place} (${MODES[match[2]!]})`;
}
