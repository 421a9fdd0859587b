/** The audit endpoints' JSON wire formats and their parsers: pure, in pure/proof-format.ts (also the browser's). */
export * from './pure/proof-format';
