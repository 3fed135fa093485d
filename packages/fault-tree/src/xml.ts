import { SaxesParser } from 'saxes';
import { ftReason } from './error-texts.js';
import { MefParseError, quote } from './errors.js';

/** An XML element with the line its start tag begins on, so every later error can name it. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export interface XmlLimits {
  /** deepest nesting accepted (deep nesting is how a hostile file would exhaust the stack later) */
  maxDepth?: number;
  /** most elements accepted in one file */
  maxElements?: number;
}

/**
 * Reads a whole XML document into a positioned element tree. The parser is streaming (saxes),
 * linear in the input, and stops at the first error with the file and line.
 */
export function parseXml(text: string, file?: string, limits: XmlLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 512;
  const maxElements = limits.maxElements ?? 5_000_000;
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let startLine = 1;
  // Set once the whole text is read: an error then is the file ending too soon, found at a
  // position past its last character (after a final newline, saxes's column 0).
  let atEnd = false;
  parser.on('error', (err) => {
    // saxes prefixes "line:column: "; we say it our way
    const m = /^(?:.*?:)?(\d+):(\d+): (.*)$/s.exec(err.message);
    const words = m ? m[3]! : err.message;
    if (atEnd) {
      // The tag left open is the innermost element still on the stack, whose line we know.
      const open = stack[stack.length - 1];
      const unclosed = /^unclosed tag: (.*)$/.exec(words);
      throw new MefParseError(
        open && unclosed?.[1] === open.name
          ? ftReason('unclosed-tag', { name: quote(open.name), line: open.line })
          : ftReason('malformed-xml', { message: quote(words) }),
        { file, end: true },
      );
    }
    throw new MefParseError(ftReason('malformed-xml', { message: quote(words) }), {
      file,
      line: m ? Number(m[1]) : parser.line,
      column: m ? Number(m[2]) : parser.column + 1,
    });
  });
  parser.on('opentagstart', () => {
    startLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    count++;
    if (count > maxElements)
      throw new MefParseError(ftReason('too-many-elements', { max: maxElements }), {
        file,
        line: startLine,
        element: tag.name,
      });
    if (stack.length >= maxDepth)
      throw new MefParseError(ftReason('nesting-too-deep', { max: maxDepth }), {
        file,
        line: startLine,
        element: tag.name,
      });
    const el: XmlElement = {
      name: tag.name,
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
      line: startLine,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(text);
  atEnd = true;
  parser.close();
  if (!root) throw new MefParseError(ftReason('empty-document'), { file, line: 1 });
  return root;
}

/** Escapes text for an attribute value or element content. */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
