import { benchYear } from '/work/wt/lead/bench/year.ts';
const f = await benchYear(Number(process.argv[2] ?? 0.01), { log: console.log, statsSamples: 20 });
console.log(JSON.stringify(f, null, 1));
