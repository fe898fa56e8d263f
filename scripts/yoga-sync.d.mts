// Types of scripts/yoga-sync.mjs for the TypeScript bench that bundles with it.
import type { Plugin } from 'esbuild';
export declare const yogaSync: Plugin;
export declare function patchOnce(source: string, file: string, from: string, to: string): string;
