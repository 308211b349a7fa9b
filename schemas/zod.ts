/**
 * The zod every contract is declared with: zod/mini (the same schemas and
 * checks as classic zod, as functions instead of methods), which Lambda
 * bundles tree-shake to what they use (about 37 KB against classic's 90; the
 * bundle goal of issue 14 is 100 KB). Mini loads no locale by itself: English
 * messages are configured here, once, before any schema can fail, so a
 * refusal reads as it did with classic zod. Import it as `import * as z from`
 * this module, not from 'zod/mini', so that no contract parses without them.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

// Re-exported member by member (`import * as z from './zod.ts'`), so that bundles keep only the members they use.
export * from 'zod/mini';
