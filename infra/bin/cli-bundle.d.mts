// Types of cli-bundle.mjs, which stays plain JavaScript so `mx` can read it before any TypeScript loader.
export declare const REPO_ROOT: string;
export declare const BUNDLE_DIR: string;
export declare const MANIFEST: string;
export declare function freshBundleEntry(dir?: string, root?: string): string | undefined;
