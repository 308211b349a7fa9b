#!/usr/bin/env node
// Rewraps what Biome's formatter leaves over 120 characters, keeping every word and every string's value:
// - a `//` or JSDoc comment paragraph is refilled (a one-line `/** … */` becomes a block);
// - a long string or template literal becomes a concatenation of pieces split after spaces or between `><`
//   (`'a b' ` → `('a ' + 'b')`, `` `x ${y} z` `` → `` (`x ${y} ` + `z`) ``); Biome then drops needless parentheses
//   and lays the pieces out, so run `npx biome format --write` (or `npm run format`) on the files afterwards.
// Literals whose place needs a literal (imports, types, property names, tagged templates) are left alone, as is
// any line it cannot shorten this way; check-line-length.mjs still names those, for a person to rewrite.
//
//   node infra/bin/wrap-long-lines.mjs [paths…]   default: every tracked file check-line-length.mjs checks
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { checkedFiles, longLines, MAX_LINE } from './check-line-length.mjs';

const SCRIPT = /\.(?:[cm]?[jt]s)$/;
const widthOf = (text) => [...text].length;

// ---------------------------------------------------------------------------------------------------- comments

const LINE_COMMENT = /^(\s*\/\/ ?)(.*)$/;
const DOC_LINE = /^(\s*\* ?)(?!\/)(.*)$/;
const ONE_LINE_DOC = /^(\s*)\/\*\*\s*(.*?)\s*\*\/\s*$/;
// A line that starts something of its own: a list item, a tag, a directive, a fence, indented code, nothing.
const STARTS_ITEM = /^(?:[-*•]\s|\d+[.)]\s|@|```|\s|$|biome-ignore|eslint-|@ts-|TODO)/;
const BULLET = /^(?:[-*•]|\d+[.)])\s+/;

/** Fills lines up to the limit, narrower only as far as it takes not to end a paragraph on a stray word or two. */
function fill(words, firstPrefix, restPrefix) {
  const lastWidth = (lines) => widthOf(lines.at(-1)) - widthOf(lines.length > 1 ? restPrefix : firstPrefix);
  const fewest = fillTo(MAX_LINE, words, firstPrefix, restPrefix);
  for (let width = MAX_LINE; width > MAX_LINE / 2; width--) {
    const lines = fillTo(width, words, firstPrefix, restPrefix);
    if (lines.length > fewest.length) break;
    if (lines.length === 1 || lastWidth(lines) >= 30) return lines;
  }
  return fewest;
}

function fillTo(max, words, firstPrefix, restPrefix) {
  const lines = [];
  let line = firstPrefix;
  let empty = true;
  for (const word of words) {
    if (!empty && widthOf(line) + 1 + widthOf(word) > max) {
      lines.push(line);
      line = restPrefix + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Whether this `*` line continues a `/*` block (and is not, say, code that starts with a multiplication). */
function insideBlockComment(lines, index) {
  for (let i = index; i >= 0; i--) {
    const text = lines[i].trimStart();
    if (text.startsWith('/*')) return true;
    if (!text.startsWith('*') || (i < index && text.includes('*/'))) return false;
  }
  return false;
}

/** Refills the comment paragraph that starts at `index`; returns how many lines it replaced, or 0. */
function wrapComment(lines, index) {
  const line = lines[index];
  const oneLine = ONE_LINE_DOC.exec(line);
  if (oneLine) {
    const [, indent, text] = oneLine;
    const body = fill(text.split(/ +/), `${indent} * `, `${indent} * `);
    lines.splice(index, 1, `${indent}/**`, ...body, `${indent} */`);
    return 1;
  }
  const match = LINE_COMMENT.exec(line) ?? (insideBlockComment(lines, index) ? DOC_LINE.exec(line) : null);
  if (!match) return 0;
  const [, prefix, text] = match;
  if (/^(?:biome-ignore|eslint-|@ts-)/.test(text)) return 0;
  const bullet = BULLET.exec(text)?.[0] ?? '';
  const rest = prefix + ' '.repeat(bullet.length);
  const words = text.split(/ +/);
  let end = index + 1;
  while (end < lines.length && lines[end].startsWith(rest)) {
    const next = lines[end].slice(rest.length);
    const sameKind = LINE_COMMENT.test(line) === LINE_COMMENT.test(lines[end]);
    if (!sameKind || STARTS_ITEM.test(next) || next.startsWith('*/')) break;
    words.push(...next.split(/ +/));
    end += 1;
  }
  const filled = fill(words, prefix, rest);
  if (filled.length === end - index && filled.every((l, i) => l === lines[index + i])) return 0;
  lines.splice(index, end - index, ...filled);
  return end - index;
}

// ---------------------------------------------------------------------------------------------------- literals

const NEEDS_A_LITERAL = new Set([
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.ImportType,
  ts.SyntaxKind.LiteralType,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.ExternalModuleReference,
  ts.SyntaxKind.TaggedTemplateExpression,
  ts.SyntaxKind.ImportAttribute,
]);

function splittable(node) {
  const parent = node.parent;
  if (!parent || NEEDS_A_LITERAL.has(parent.kind)) return false;
  if ('name' in parent && parent.name === node) return false; // a property, method or enum member name
  if (ts.isExpressionStatement(parent)) return false; // a directive such as 'use strict'
  // Inside another template's `${…}`: Biome does not break lines there, so splitting would not help.
  for (let up = parent; up; up = up.parent) if (ts.isTemplateSpan(up)) return false;
  if (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword) return false;
  return true;
}

/** The literal's source as atoms: text runs that end after a space, a raw newline or a `>` before `<`; `${…}`. */
function atomsOf(node, source) {
  const raw = source.slice(node.getStart(), node.getEnd());
  const quote = raw[0];
  const parts = [];
  if (ts.isTemplateExpression(node)) {
    parts.push({ text: raw.slice(1, node.head.getEnd() - node.getStart() - 2) });
    for (const span of node.templateSpans) {
      const closing = span.literal.getStart(); // the `}` that ends this span's expression
      parts.push({ expression: source.slice(span.expression.getFullStart() - 2, closing + 1) });
      const tail = ts.isTemplateTail(span.literal);
      parts.push({ text: source.slice(closing + 1, span.literal.getEnd() - (tail ? 1 : 2)) });
    }
  } else parts.push({ text: raw.slice(1, -1) });
  const atoms = [];
  for (const part of parts) {
    if (part.expression !== undefined) atoms.push(part.expression);
    else atoms.push(...(part.text.match(/(?:[^ \n>]|>(?!<))*(?: +|\n|>(?=<))?/g) ?? []).filter(Boolean));
  }
  // An escaped space or line break (`\ `, a line continuation) must stay with its backslash.
  const joined = [];
  for (const atom of atoms) {
    if (/\\[ \n]$/.test(joined.at(-1) ?? '')) joined[joined.length - 1] += atom;
    else joined.push(atom);
  }
  return { quote, atoms: joined };
}

function splitLiteral(node, source, room) {
  const { quote, atoms } = atomsOf(node, source);
  // Pieces of atoms. A piece ends between two tags where it can (`…</td>` + `<td>…`), else after a space, and only
  // between two `${…}` or a word and a `${…}` when nothing better fits.
  const pieces = [[]];
  const widthAfterNewline = (piece) => {
    const text = piece.join('');
    return widthOf(text.slice(text.lastIndexOf('\n') + 1));
  };
  const lastBreak = (piece, atomWidth, ends) => {
    const at = piece.findLastIndex(
      (a, i) =>
        !a.startsWith('${') &&
        ends(a) &&
        widthAfterNewline(piece.slice(0, i + 1)) > room / 2 &&
        widthAfterNewline(piece.slice(i + 1)) + atomWidth <= room,
    );
    return at >= 0 && at < piece.length - 1 ? at : -1;
  };
  for (const atom of atoms) {
    const piece = pieces.at(-1);
    const atomWidth = widthOf(atom.split('\n')[0]);
    if (piece.length > 0 && widthAfterNewline(piece) + atomWidth > room) {
      const tagEnd = lastBreak(piece, atomWidth, (a) => a.endsWith('>'));
      const at = tagEnd >= 0 ? tagEnd : lastBreak(piece, atomWidth, (a) => a.endsWith(' '));
      pieces.push(at >= 0 ? piece.splice(at + 1) : []);
    }
    pieces.at(-1).push(atom);
  }
  const texts = pieces.map((p) => p.join('')).filter(Boolean);
  if (texts.length < 2) return undefined;
  return `(${texts.map((p) => quote + p + quote).join(' + ')})`;
}

/** Splits the widest splittable literal that crosses the line; returns the new source, or undefined. */
function wrapLiteral(source, fileName, lineIndex) {
  const kind = /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const lineStart = file.getPositionOfLineAndCharacter(lineIndex, 0);
  const lineEnd = lineStart + source.slice(lineStart).search(/\n|$/);
  const candidates = [];
  const visit = (node) => {
    if (node.getEnd() < lineStart || node.getStart(file) > lineEnd) return;
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
    if (literal && splittable(node)) {
      const width = Math.min(node.getEnd(), lineEnd) - Math.max(node.getStart(file), lineStart);
      if (width > 40) candidates.push({ node, width });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const indent = source.slice(lineStart).search(/\S/);
  for (const { node } of candidates.sort((a, b) => b.width - a.width)) {
    // Pieces that fit a line of their own. A literal that already would (a test's name beside its callback) is left
    // for a person: split in two it reads worse than reworded.
    // A piece of a concatenation gets a line of its own from Biome; anything else stays where it starts.
    const inConcatenation =
      ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken;
    const column = inConcatenation ? 0 : file.getLineAndCharacterOfPosition(node.getStart(file)).character;
    const replacement = splitLiteral(node, source, Math.max(40, MAX_LINE - Math.max(indent + 8, column + 4)));
    if (replacement) return source.slice(0, node.getStart(file)) + replacement + source.slice(node.getEnd());
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------- files

/**
 * One pass, bottom up, each long line tried once: a comment refill changes only the lines from there down, and a
 * literal split adds no line, so the lines above keep their numbers. Run it again after Biome for what moved.
 */
export function wrapSource(source, fileName) {
  let text = source;
  for (const { line } of longLines(source).reverse()) {
    const lines = text.split('\n');
    if (widthOf(lines[line - 1]) <= MAX_LINE) continue;
    if (wrapComment(lines, line - 1) > 0) text = lines.join('\n');
    else text = wrapLiteral(text, fileName, line - 1) ?? text;
  }
  return text;
}

function main(paths) {
  for (const file of checkedFiles(paths).filter((f) => SCRIPT.test(f))) {
    const source = readFileSync(file, 'utf8');
    const wrapped = wrapSource(source, file);
    if (wrapped !== source) {
      writeFileSync(file, wrapped);
      console.log(`wrapped ${file}`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
