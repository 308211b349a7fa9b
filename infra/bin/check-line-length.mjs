#!/usr/bin/env node
// Fails, naming file:line, for every line over 120 characters in the tracked source files. Biome's formatter wraps
// code at the same width but leaves comments and long string literals alone; this catches those.
//
//   node infra/bin/check-line-length.mjs            every tracked source file
//   node infra/bin/check-line-length.mjs infra/cli  only files under these paths (files or folders)
//
// Checked: code (ts, mts, cts, js, mjs, cjs), data and config (json, jsonc), and the console's page and styles
// (html, css) — everything a reviewer reads in a diff. Not checked: Markdown (prose, wrapped by its author),
// package-lock.json (npm writes it), and the vendored JSON under test/fixtures/ (kept byte for byte as published).
// One exception: a comment line may run over when a URL in it is what makes it long — a URL cannot be wrapped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import JSON5 from 'json5';

export const MAX_LINE = 120;
const CHECKED = /\.(?:[cm]?[jt]s|jsonc?|html|css)$/;
const SKIPPED = [/^test\/fixtures\/.*\.json5?$/, /(?:^|\/)package-lock\.json$/];
const URLS = /\bhttps?:\/\/\S+/g;
const COMMENT = /^\s*(?:\/\/|\/\*|\*|<!--)/;

/** Characters as a reader counts them (code points), not UTF-16 units. */
const widthOf = (line) => [...line].length;

/** A comment line that is only too long because of the URLs in it. */
const isLongUrlComment = (line) => {
  const withoutUrls = line.replace(URLS, '');
  return withoutUrls !== line && COMMENT.test(line) && widthOf(withoutUrls) <= MAX_LINE;
};

export function longLines(text, max = MAX_LINE) {
  const found = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const width = widthOf(line);
    if (width > max && !isLongUrlComment(line)) found.push({ line: index + 1, width });
  });
  return found;
}

/** The globs Biome's configuration marks as pending (not yet formatted): `dir/**`, exact paths, `!` to take back. */
export function pendingGlobs(config = readFileSync('biome.jsonc', 'utf8')) {
  const overrides = JSON5.parse(config).overrides ?? [];
  const pending = overrides.find((o) => o.linter?.enabled === false && o.formatter?.enabled === false);
  return pending?.includes ?? [];
}

/** Biome's order: a later `!glob` takes back what an earlier glob took in, and the other way round. */
export function matchesGlobs(file, globs) {
  let matched = false;
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const body = negated ? glob.slice(1) : glob;
    const hit = body.endsWith('/**') ? file.startsWith(body.slice(0, -2)) : file === body;
    if (hit) matched = !negated;
  }
  return matched;
}

export function checkedFiles(paths = [], pending = pendingGlobs()) {
  const out = execFileSync('git', ['ls-files', '-z', '--', ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out
    .split('\0')
    .filter((file) => file && CHECKED.test(file) && !SKIPPED.some((skip) => skip.test(file)))
    .filter((file) => !matchesGlobs(file, pending));
}

function main(paths) {
  let count = 0;
  for (const file of checkedFiles(paths)) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (error.code === 'ENOENT') continue; // tracked but deleted in the work tree: git will report it
      throw error;
    }
    for (const { line, width } of longLines(text)) {
      console.log(`${file}:${line}: ${width} characters (at most ${MAX_LINE})`);
      count += 1;
    }
  }
  if (count > 0) {
    const lines = `${count} line${count === 1 ? '' : 's'}`;
    console.error(
      `${lines} over ${MAX_LINE} characters: wrap comments and split strings by hand (npm run format wraps code).`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
