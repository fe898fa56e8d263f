import type { Plugin } from 'esbuild';
/** The esbuild plugin that answers string-width for one-column text (scripts/narrow-width.mjs). */
export declare const narrowWidth: Plugin;
