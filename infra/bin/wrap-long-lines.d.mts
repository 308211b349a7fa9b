// Types of wrap-long-lines.mjs, plain JavaScript like the line checker it builds on.
export declare function wrapSource(source: string, fileName: string): string;
