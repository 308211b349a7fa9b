// Types of check-line-length.mjs, which stays plain JavaScript so `npm run lint` needs no TypeScript loader.
export declare const MAX_LINE: number;
export declare function longLines(text: string, max?: number): { line: number; width: number }[];
export declare function pendingGlobs(config?: string): string[];
export declare function matchesGlobs(file: string, globs: readonly string[]): boolean;
export declare function checkedFiles(paths?: readonly string[], pending?: readonly string[]): string[];
