import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { longLines, MAX_LINE, matchesGlobs, pendingGlobs } from '../../infra/bin/check-line-length.mjs';
import { wrapSource } from '../../infra/bin/wrap-long-lines.mjs';

/** Runs a module's source (TypeScript stripped) and returns what it exports as `values`. */
function valuesOf(source: string): unknown {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports.values;
}

/** What `npm run format` does after the wrapper: Biome lays out the pieces. */
const formatted = (source: string) =>
  execFileSync('npx', ['biome', 'format', '--stdin-file-path=example.ts'], { input: source, encoding: 'utf8' });

const words = (text: string) => text.match(/[\p{L}\p{N}'’.,;:()-]+/gu) ?? [];
const comments = (source: string) =>
  source
    .split('\n')
    .filter((line) => /^\s*(\/\/|\/?\*)/.test(line))
    .join(' ');

const LONG = 'a sentence long enough to need more than one line once it sits inside the code, with a little more';

describe('check-line-length', () => {
  it('counts characters as a reader does, and lets a comment run over only for a URL', () => {
    const url = `https://docs.aws.amazon.com/${'x'.repeat(MAX_LINE)}`;
    const text = [
      'é'.repeat(MAX_LINE),
      `// see ${url}`,
      `// ${'w '.repeat(MAX_LINE)}${url}`,
      `const u = '${url}';`,
      'x'.repeat(MAX_LINE + 1),
    ].join('\n');
    expect(longLines(text)).toEqual([
      { line: 3, width: 3 + 2 * MAX_LINE + url.length },
      { line: 4, width: 13 + url.length },
      { line: 5, width: MAX_LINE + 1 },
    ]);
  });

  it('reads the pending files from biome.jsonc in Biome’s order: a later `!` takes a file back', () => {
    const globs = pendingGlobs(`{
      // comments are allowed
      "overrides": [
        { "includes": ["x/**"], "formatter": { "enabled": false } },
        { "includes": ["functions/**", "!functions/console/**", "a.ts"],
          "formatter": { "enabled": false }, "linter": { "enabled": false } },
      ],
    }`);
    expect(globs).toEqual(['functions/**', '!functions/console/**', 'a.ts']);
    expect(
      ['functions/domain/fold.ts', 'functions/console/app.ts', 'a.ts', 'b/a.ts', 'x/y.ts'].filter((f) =>
        matchesGlobs(f, globs),
      ),
    ).toEqual(['functions/domain/fold.ts', 'a.ts']);
  });
});

describe('wrap-long-lines', () => {
  const source = [
    '/** The first line of a note that is long enough to run past the limit of the line checker, by a few words. */',
    'export const values = {',
    `  // ${LONG}: ${LONG}.`,
    `  plain: '${LONG} and "quoted" and \\'escaped\\' and \\u2019 escapes kept',`,
    `  template: \`<p class="x">${LONG}</p><p>\${1 + 1} and \${'nested'.toUpperCase()} ${LONG}</p>\`.length,`,
    `  member: '${LONG} ${LONG}'.split(' ').length,`,
    '};',
    `type Kind = '${LONG} ${LONG}';`,
    '',
  ].join('\n');

  it('leaves no line over the limit once Biome has laid it out, and every value as it was', () => {
    const wrapped = formatted(wrapSource(source, 'example.ts'));
    // The one line left is the type's literal, which Biome set on a line of its own.
    expect(longLines(wrapped).map(({ line }) => wrapped.split('\n')[line - 1])).toEqual([`  '${LONG} ${LONG}';`]);
    expect(valuesOf(wrapped)).toEqual(valuesOf(source));
  });

  it('keeps every word of the comments, in order', () => {
    const wrapped = wrapSource(source, 'example.ts');
    expect(words(comments(wrapped))).toEqual(words(comments(source)));
    expect(wrapped.split('\n').filter((line) => line.startsWith('  // '))).toHaveLength(2);
  });

  it('leaves alone a literal whose place needs one (a type), and a second run changes nothing', () => {
    const wrapped = wrapSource(source, 'example.ts');
    expect(wrapped).toContain(`type Kind = '${LONG} ${LONG}';`);
    expect(wrapSource(wrapped, 'example.ts')).toBe(wrapped);
  });
});
