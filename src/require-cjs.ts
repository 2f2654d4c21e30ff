import { createRequire } from 'node:module';

/**
 * Loads a CommonJS package (workerpool, yauzl, picomatch, cli-progress) with `require`. An ESM
 * `import` of one makes Node lex its source for named exports first, in every thread that
 * imports it: measured at 40–60 ms of CPU per thread, plus optimising the lexer itself.
 */
export const requireCjs = createRequire(import.meta.url);
