/**
 * `functions/` is what deploys as Lambda code: it never imports `infra/`
 * (the CDK app, the local cloud, the tools), so nothing of theirs can end up
 * in a bundle or be needed to run a handler. Imports are read with the
 * TypeScript compiler's own pre-processor (static, type-only, re-exports and
 * dynamic `import()` alike), not matched as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The repository-relative targets of a file's relative imports. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.relative(ROOT, path.resolve(path.dirname(file), name)));
}

describe('functions/', () => {
  it('imports nothing from infra/', () => {
    const files = sourceFiles(path.join(ROOT, 'functions'));
    expect(files.length).toBeGreaterThan(50);
    const crossings = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => target === 'infra' || target.startsWith(`infra${path.sep}`))
        .map((target) => `${path.relative(ROOT, file)} imports ${target}`),
    );
    expect(crossings).toEqual([]);
  });

  it('is read by the compiler, so a type-only or dynamic import of infra/ would be seen too', () => {
    const text =
      "import type { X } from '../../infra/a.ts';\nexport { Y } from '../infra/b.ts';\nawait " +
      "import('../../infra/c.ts');";
    const names = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    expect(names).toEqual(['../../infra/a.ts', '../infra/b.ts', '../../infra/c.ts']);
  });
});
