import { readFile } from 'node:fs/promises';
import { MAX_EXT_ID, MAX_STD_ID } from '../frame.js';
import { namingFile } from '../log.js';
import { clip } from '../quote.js';
import { type Reason, reason, sayReason, type Term, term } from '../reason.js';
import { windows1252 } from '../text.js';
import { MAX_MESSAGE_BYTES, signalBitPositions } from './layout.js';
import {
  type AttributeObject,
  type AttributeValue,
  type Dbc,
  type DbcAttributeDefinition,
  type DbcMessage,
  type DbcNode,
  DbcParseError,
  type DbcSignal,
  INDEPENDENT_SIGNALS_MESSAGE,
  type MultiplexCondition,
} from './model.js';

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Names may start with a digit in files people use (`64_BIT_LE`, `2017_5`); keywords never do. */
const NAME = /[A-Za-z0-9_]+/y;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const UINT = /\d+/y;
const MUX = /^(?:M|m(\d+)(M?))$/;

/** A cursor over DBC text that knows its line, so every error can name it. */
class Scanner {
  pos = 0;
  line = 1;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  fail(why: Reason, line = this.line): never {
    throw new DbcParseError(this.file, line, why);
  }

  /** Skips blanks, newlines and `//` comment lines (some exporters write them). */
  skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
        this.pos++;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        this.pos++;
      } else if (c === 47 && t.charCodeAt(this.pos + 1) === 47) {
        while (this.pos < t.length && t.charCodeAt(this.pos) !== 10) this.pos++;
      } else {
        return;
      }
    }
  }

  /** Skips blanks on the current line only. */
  skipInline(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) this.pos++;
      else return;
    }
  }

  get eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  /** Whether only blanks remain on this line. */
  atLineEnd(): boolean {
    this.skipInline();
    const c = this.text.charCodeAt(this.pos);
    return Number.isNaN(c) || c === 10;
  }

  /** Line where the next token starts. */
  nextLine(): number {
    this.skip();
    return this.line;
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  tryIdent(): string | undefined {
    this.skip();
    return this.sticky(IDENT);
  }

  ident(what: Term): string {
    this.skip();
    const id = this.sticky(NAME);
    if (id === undefined) this.fail(reason('dbc.expected', { what: term(what), found: this.describe() }));
    return id;
  }

  /**
   * Ends a statement at its `;`. Files in the wild forget it at the end of a line: when the next
   * token is on a later line (or the file ends), that is reported through `onMissing` and accepted.
   */
  endStatement(keyword: string, onMissing: (line: number) => void): void {
    const lastLine = this.line;
    this.skip();
    if (this.text[this.pos] === ';') {
      this.pos++;
      return;
    }
    if (this.eof || this.line > lastLine) {
      onMissing(lastLine);
      return;
    }
    this.fail(reason('dbc.expected-semicolon', { keyword, found: this.describe() }));
  }

  number(what: Term): number {
    this.skip();
    const s = this.sticky(NUMBER);
    if (s === undefined)
      this.fail(reason('dbc.expected-number', { what: term(what), found: this.describe() }));
    return Number(s);
  }

  uint(what: Term): number {
    this.skip();
    const s = this.sticky(UINT);
    if (s === undefined) this.fail(reason('dbc.expected-uint', { what: term(what), found: this.describe() }));
    return Number(s);
  }

  /** A double-quoted string; `\"` and `\\` are unescaped; may span lines (comments do). */
  string(what: Term): string {
    this.skip();
    if (this.peek() !== '"')
      this.fail(reason('dbc.expected-string', { what: term(what), found: this.describe() }));
    const startLine = this.line;
    const t = this.text;
    let i = this.pos + 1;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= t.length) this.fail(reason('dbc.unterminated-string', { what: term(what) }), startLine);
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92 && i + 1 < t.length) {
        out += t.slice(from, i);
        out += t[i + 1];
        if (t.charCodeAt(i + 1) === 10) this.line++;
        i += 2;
        from = i;
        continue;
      }
      if (c === 10) this.line++;
      i++;
    }
    out += t.slice(from, i);
    this.pos = i + 1;
    return out;
  }

  expect(ch: string, what?: Term): void {
    this.skip();
    if (this.text[this.pos] !== ch)
      this.fail(reason('dbc.expected-char', { ch, what: what ? term(what) : '', found: this.describe() }));
    this.pos++;
  }

  tryChar(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  /** Rest of the current line, trimmed. */
  restOfLine(): string {
    const start = this.pos;
    while (this.pos < this.text.length && this.text.charCodeAt(this.pos) !== 10) this.pos++;
    return this.text.slice(start, this.pos).trim();
  }

  /** Skips to just after the next `;` outside strings (statements we read but do not model). */
  skipStatement(keyword: string, line: number): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        this.string('string');
        continue;
      }
      this.pos++;
      if (c === 10) this.line++;
      if (c === 59) return;
    }
    this.fail(reason('dbc.unclosed-statement', { keyword }), line);
  }

  describe(): Reason {
    if (this.eof) return reason('end-of-file');
    const c = this.text[this.pos];
    if (c === '\n' || c === '\r') return reason('end-of-line');
    const word = /^\S{1,20}/.exec(this.text.slice(this.pos, this.pos + 20))?.[0] ?? c;
    return reason('found-text', { text: clip(word) });
  }
}

/** Statements read up to their `;` and not modelled. */
const SKIPPED = new Set([
  'EV_',
  'ENVVAR_DATA_',
  'SGTYPE_',
  'SGTYPE_VAL_',
  'BA_DEF_SGTYPE_',
  'BA_SGTYPE_',
  'SIG_TYPE_REF_',
  'SIG_GROUP_',
  'SIGTYPE_VALTYPE_',
  'BA_DEF_REL_',
  'BA_REL_',
  'BA_DEF_DEF_REL_',
  'BU_SG_REL_',
  'BU_EV_REL_',
  'BU_BO_REL_',
  'CAT_DEF_',
  'CAT_',
  'FILTER',
  'EV_DATA_',
  'NS_DESC_',
]);

/** Every statement keyword, to tell a continuation line from the next statement. */
const KEYWORDS = new Set([
  ...SKIPPED,
  'VERSION',
  'NS_',
  'BS_',
  'BU_',
  'VAL_TABLE_',
  'BO_',
  'SG_',
  'BO_TX_BU_',
  'CM_',
  'BA_DEF_',
  'BA_DEF_DEF_',
  'BA_',
  'VAL_',
  'SIG_VALTYPE_',
  'SG_MUL_VAL_',
]);

const OBJECT_KEYWORDS: Record<string, AttributeObject> = {
  BU_: 'node',
  BO_: 'message',
  SG_: 'signal',
  EV_: 'envvar',
};

const EXTENDED_FLAG = 0x80000000;

interface PendingMux {
  message: DbcMessage;
  signal: DbcSignal;
  value: number;
}

/**
 * Parses DBC text. Syntax errors throw DbcParseError naming the line; statements that parse but
 * refer to messages or signals that do not exist are kept as warnings (exporters leave such
 * leftovers, and the rest of the file is still good).
 */
export function parseDbc(text: string, file = '<dbc>'): Dbc {
  const s: Scanner = new Scanner(text, file);
  const dbc: Dbc = {
    version: '',
    nodes: [],
    messages: [],
    valueTables: new Map(),
    attributeDefinitions: new Map(),
    attributes: {},
    warnings: [],
  };
  const byKey = new Map<number, DbcMessage>();
  const nodes = new Map<string, DbcNode>();
  const simpleMux: PendingMux[] = [];
  const extendedMux = new Map<DbcSignal, { cond: MultiplexCondition; line: number }>();
  const attributeLines: { apply: () => void }[] = [];
  let current: DbcMessage | undefined;
  const warn = (line: number, detail: Reason) =>
    dbc.warnings.push({ line, message: sayReason(detail, 'en'), detail });
  const missingSemicolon = (kw: string) => (line: number) =>
    warn(line, reason('dbc.warn-semicolon', { keyword: kw }));
  /** Messages left out (ids no bus can carry): references to them are not reported again. */
  const ignoredIds = new Set<number>();
  const messageKey = (raw: number) => raw; // raw BO_ id, extended flag included: unique per message
  const findMessage = (raw: number, line: number, what: string): DbcMessage | undefined => {
    const m = byKey.get(messageKey(raw));
    if (!m && !ignoredIds.has(raw)) warn(line, reason('dbc.warn-no-message', { keyword: what, id: raw }));
    return m;
  };
  const findSignal = (
    m: DbcMessage | undefined,
    name: string,
    line: number,
    what: string,
  ): DbcSignal | undefined => {
    if (!m) return undefined;
    const sig = m.signals.find((x) => x.name === name);
    if (!sig) warn(line, reason('dbc.warn-no-signal', { keyword: what, signal: name, message: m.name }));
    return sig;
  };

  for (;;) {
    s.skip();
    if (s.eof) break;
    const line = s.line;
    const kw = s.tryIdent();
    if (kw === undefined) s.fail(reason('dbc.expected-keyword', { found: s.describe() }));
    if (kw !== 'SG_') current = undefined;
    switch (kw) {
      case 'VERSION':
        dbc.version = s.string('version');
        break;
      case 'NS_': {
        s.expect(':', 'after NS_');
        // The new-symbols list: indented names on the following lines.
        for (;;) {
          s.restOfLine();
          const save = { pos: s.pos, line: s.line };
          if (s.eof) break;
          s.pos++;
          s.line++;
          const c = s.text.charCodeAt(s.pos);
          if (c === 32 || c === 9) continue;
          if (c === 10 || c === 13) continue;
          s.pos = save.pos;
          s.line = save.line;
          break;
        }
        break;
      }
      case 'BS_': {
        s.expect(':', 'after BS_');
        s.restOfLine();
        break;
      }
      case 'BU_': {
        s.expect(':', 'after BU_');
        const names = s
          .restOfLine()
          .split(/[\s,]+/)
          .filter(Boolean);
        // Some files list one node per indented line below BU_:.
        for (;;) {
          const save = { pos: s.pos, line: s.line };
          if (s.eof) break;
          s.pos++;
          s.line++;
          const c = s.text.charCodeAt(s.pos);
          const rest = c === 32 || c === 9 ? s.restOfLine() : '';
          const first = rest.split(/[\s,]+/)[0];
          if (!first || KEYWORDS.has(first) || !/^[A-Za-z0-9_]+$/.test(first)) {
            s.pos = save.pos;
            s.line = save.line;
            break;
          }
          names.push(...rest.split(/[\s,]+/).filter(Boolean));
        }
        for (const name of names) {
          if (!/^[A-Za-z0-9_]+$/.test(name)) s.fail(reason('dbc.bad-node-name', { name: clip(name) }), line);
          if (!nodes.has(name)) {
            const node: DbcNode = { name, attributes: {} };
            nodes.set(name, node);
            dbc.nodes.push(node);
          }
        }
        break;
      }
      case 'VAL_TABLE_': {
        const name = s.ident('value table name');
        dbc.valueTables.set(name, readValueDescriptions(s, missingSemicolon('VAL_TABLE_')));
        break;
      }
      case 'BO_': {
        const raw = s.uint('message id');
        const name = s.ident('message name');
        s.expect(':', 'after the message name');
        const length = s.uint('message length');
        s.skipInline();
        const sender = s.atLineEnd() ? '' : s.ident('message sender');
        if (!s.atLineEnd()) s.fail(reason('dbc.after-sender', { found: s.describe() }));
        if (raw > 0xffffffff) s.fail(reason('dbc.id-over-32-bit', { id: raw }), line);
        let extended = raw >= EXTENDED_FLAG;
        const id = extended ? raw - EXTENDED_FLAG : raw;
        let usable = true;
        if (name !== INDEPENDENT_SIGNALS_MESSAGE && id > (extended ? MAX_EXT_ID : MAX_STD_ID)) {
          if (!extended && id <= MAX_EXT_ID) {
            // Several exporters write 29-bit ids without the bit-31 flag: taken as 29-bit.
            extended = true;
            warn(line, reason('dbc.warn-29-bit', { message: name, id: id.toString(16) }));
          } else {
            usable = false;
            warn(line, reason('dbc.warn-id-left-out', { message: name, id: id.toString(16) }));
          }
        }
        if (length > MAX_MESSAGE_BYTES)
          s.fail(reason('dbc.message-too-long', { length, max: MAX_MESSAGE_BYTES }), line);
        if (byKey.has(raw))
          s.fail(reason('dbc.message-twice', { id: raw, first: byKey.get(raw)!.line }), line);
        current = {
          id,
          extended,
          fd: false,
          name,
          length,
          sender,
          transmitters: [],
          signals: [],
          attributes: {},
          line,
        };
        if (usable) {
          byKey.set(raw, current);
          dbc.messages.push(current);
        } else {
          ignoredIds.add(raw);
        }
        break;
      }
      case 'SG_': {
        const m = current;
        if (!m) s.fail(reason('dbc.signal-outside-message'), line);
        current = m;
        const name = s.ident('signal name');
        let muxText: string | undefined;
        if (!s.tryChar(':')) {
          muxText = s.ident('multiplexer indicator or ":"');
          s.expect(':', 'after the signal name');
        }
        const startBit = s.uint('start bit');
        s.expect('|', 'between start bit and length');
        const length = s.uint('signal length');
        s.expect('@', 'before the byte order');
        s.skip();
        const order = s.peek();
        if (order !== '0' && order !== '1') s.fail(reason('dbc.byte-order', { found: s.describe() }));
        s.pos++;
        const sign = s.peek();
        if (sign !== '+' && sign !== '-') s.fail(reason('dbc.sign', { found: s.describe() }));
        s.pos++;
        s.expect('(', 'before factor,offset');
        const factor = s.number('factor');
        s.expect(',', 'between factor and offset');
        const offset = s.number('offset');
        s.expect(')', 'after factor,offset');
        s.expect('[', 'before minimum|maximum');
        const minimum = s.number('minimum');
        s.expect('|', 'between minimum and maximum');
        const maximum = s.number('maximum');
        s.expect(']', 'after minimum|maximum');
        const unit = s.string('unit');
        const receivers = s
          .restOfLine()
          .split(/[\s,]+/)
          .filter(Boolean);
        if (length < 1 || length > 64) s.fail(reason('dbc.signal-length', { signal: name, length }), line);
        if (factor === 0) s.fail(reason('dbc.factor-zero', { signal: name }), line);
        const byteOrder = order === '1' ? 'little-endian' : 'big-endian';
        const positions = signalBitPositions(startBit, length, byteOrder);
        const top = Math.max(...positions);
        if (top >= MAX_MESSAGE_BYTES * 8)
          s.fail(reason('dbc.signal-past-end', { signal: name, last: MAX_MESSAGE_BYTES - 1 }), line);
        if (top >= m.length * 8 && m.name !== INDEPENDENT_SIGNALS_MESSAGE) {
          warn(
            line,
            reason('dbc.warn-beyond-message', {
              signal: name,
              byte: top >> 3,
              length: m.length,
              message: m.name,
            }),
          );
        }
        if (m.signals.some((x) => x.name === name))
          s.fail(reason('dbc.signal-twice', { signal: name, message: m.name }), line);
        const signal: DbcSignal = {
          name,
          startBit,
          length,
          byteOrder,
          signed: sign === '-',
          valueType: 'integer',
          factor,
          offset,
          minimum,
          maximum,
          unit,
          receivers,
          isMultiplexer: false,
          attributes: {},
          line,
        };
        if (muxText !== undefined) {
          const mm = MUX.exec(muxText);
          if (muxText === 'm') {
            // A bare lower-case m is a typo for M in the files that have it (SG_MUL_VAL_ then names it as a switch).
            warn(line, reason('dbc.warn-mux-case', { signal: name }));
            signal.isMultiplexer = true;
          } else {
            if (!mm) s.fail(reason('dbc.mux-indicator', { signal: name, found: clip(muxText) }), line);
            if (muxText === 'M' || mm[2] === 'M') signal.isMultiplexer = true;
            if (mm[1] !== undefined) simpleMux.push({ message: m, signal, value: Number(mm[1]) });
          }
        }
        m.signals.push(signal);
        break;
      }
      case 'BO_TX_BU_': {
        const raw = s.uint('message id');
        s.expect(':', 'after the message id');
        const list: string[] = [];
        while (!s.tryChar(';')) {
          list.push(s.ident('transmitter'));
          s.tryChar(',');
        }
        const m = findMessage(raw, line, 'BO_TX_BU_');
        if (m) m.transmitters.push(...list);
        break;
      }
      case 'CM_': {
        // A comment explains; it does not decode. One that does not parse as DBC (opendbc's Honda
        // and Hyundai sources write `CM_ SG_ 304 "…"` and `CM_ 145 "…"`, with no signal or object) is
        // a warning and is skipped to its `;`, so the messages and signals are kept.
        const at = s.pos;
        const atLine = s.line;
        try {
          s.skip();
          if (s.peek() === '"') {
            dbc.comment = s.string('comment');
          } else {
            const obj = s.ident('BU_, BO_, SG_ or EV_');
            if (obj === 'BU_') {
              const n = s.ident('node name');
              const text = s.string('comment');
              const node = nodes.get(n);
              if (node) node.comment = text;
              else warn(line, reason('dbc.warn-no-node', { keyword: 'CM_', node: n }));
            } else if (obj === 'BO_') {
              const raw = s.uint('message id');
              const text = s.string('comment');
              const m = findMessage(raw, line, 'CM_');
              if (m) m.comment = text;
            } else if (obj === 'SG_') {
              const raw = s.uint('message id');
              const n = s.ident('signal name');
              const text = s.string('comment');
              const sig = findSignal(findMessage(raw, line, 'CM_'), n, line, 'CM_');
              if (sig) sig.comment = text;
            } else if (obj === 'EV_') {
              s.ident('environment variable');
              s.string('comment');
            } else {
              s.fail(reason('dbc.unknown-object', { keyword: 'CM_', object: obj }), line);
            }
          }
          s.endStatement('CM_', missingSemicolon('CM_'));
        } catch (err) {
          if (!(err instanceof DbcParseError)) throw err;
          s.pos = at;
          s.line = atLine;
          s.skipStatement('CM_', line);
          warn(line, reason('dbc.warn-bad-comment', { inner: err.detail }));
        }
        break;
      }
      case 'BA_DEF_': {
        let object: AttributeObject = 'network';
        s.skip();
        if (s.peek() !== '"') {
          const obj = s.ident('object type');
          object =
            OBJECT_KEYWORDS[obj] ??
            s.fail(reason('dbc.unknown-object', { keyword: 'BA_DEF_', object: obj }), line);
        }
        const name = s.string('attribute name');
        const type = s.ident('attribute type');
        const def: DbcAttributeDefinition = { name, object, type: type as DbcAttributeDefinition['type'] };
        if (type === 'INT' || type === 'HEX' || type === 'FLOAT') {
          def.minimum = s.number('attribute minimum');
          def.maximum = s.number('attribute maximum');
        } else if (type === 'ENUM') {
          def.values = [];
          s.skip();
          while (s.peek() === '"') {
            def.values.push(s.string('enum value'));
            if (!s.tryChar(',')) break;
            s.skip();
          }
        } else if (type !== 'STRING') {
          s.fail(reason('dbc.attribute-type', { attribute: name, type }), line);
        }
        s.endStatement('BA_DEF_', missingSemicolon('BA_DEF_'));
        dbc.attributeDefinitions.set(name, def);
        break;
      }
      case 'BA_DEF_DEF_': {
        const name = s.string('attribute name');
        const value = readAttributeValue(s);
        s.endStatement('BA_DEF_DEF_', missingSemicolon('BA_DEF_DEF_'));
        const def = dbc.attributeDefinitions.get(name);
        if (!def) warn(line, reason('dbc.warn-no-attribute', { keyword: 'BA_DEF_DEF_', attribute: name }));
        else def.default = def.type === 'ENUM' && typeof value === 'string' ? value : coerce(def, value);
        break;
      }
      case 'BA_': {
        const name = s.string('attribute name');
        s.skip();
        let target: { kind: AttributeObject; raw?: number; name?: string; signal?: string };
        if (s.peek() === '"' || /[-+\d.]/.test(s.peek())) {
          target = { kind: 'network' };
        } else {
          const obj = s.ident('object type');
          if (obj === 'BU_') target = { kind: 'node', name: s.ident('node name') };
          else if (obj === 'BO_') target = { kind: 'message', raw: s.uint('message id') };
          else if (obj === 'SG_')
            target = { kind: 'signal', raw: s.uint('message id'), signal: s.ident('signal name') };
          else if (obj === 'EV_') target = { kind: 'envvar', name: s.ident('environment variable') };
          else s.fail(reason('dbc.unknown-object', { keyword: 'BA_', object: obj }), line);
        }
        const value = readAttributeValue(s);
        s.endStatement('BA_', missingSemicolon('BA_'));
        // Applied after the whole file is read: BA_DEF_ may come later in hand-edited files.
        attributeLines.push({
          apply: () => {
            const def = dbc.attributeDefinitions.get(name);
            if (!def) warn(line, reason('dbc.warn-no-attribute', { keyword: 'BA_', attribute: name }));
            const v = def ? coerce(def, value) : value;
            if (target.kind === 'network') dbc.attributes[name] = v;
            else if (target.kind === 'node') {
              const node = nodes.get(target.name!);
              if (node) node.attributes[name] = v;
              else warn(line, reason('dbc.warn-no-node', { keyword: 'BA_', node: target.name! }));
            } else if (target.kind === 'message') {
              const m = findMessage(target.raw!, line, 'BA_');
              if (m) m.attributes[name] = v;
            } else if (target.kind === 'signal') {
              const sig = findSignal(findMessage(target.raw!, line, 'BA_'), target.signal!, line, 'BA_');
              if (sig) sig.attributes[name] = v;
            }
          },
        });
        break;
      }
      case 'VAL_': {
        s.skip();
        if (!/\d/.test(s.peek())) {
          // VAL_ of an environment variable.
          s.ident('environment variable');
          readValueDescriptions(s, missingSemicolon('VAL_'));
          break;
        }
        const raw = s.uint('message id');
        const n = s.ident('signal name');
        s.skip();
        let values: Map<number, string>;
        if (/[A-Za-z_]/.test(s.peek())) {
          const table = s.ident('value table name');
          s.expect(';', 'after the value table name');
          values = dbc.valueTables.get(table) ?? s.fail(reason('dbc.value-table-missing', { table }), line);
        } else {
          values = readValueDescriptions(s, missingSemicolon('VAL_'));
        }
        const sig = findSignal(findMessage(raw, line, 'VAL_'), n, line, 'VAL_');
        if (sig) sig.values = values;
        break;
      }
      case 'SIG_VALTYPE_': {
        const raw = s.uint('message id');
        const n = s.ident('signal name');
        s.tryChar(':');
        const t = s.uint('value type');
        s.endStatement('SIG_VALTYPE_', missingSemicolon('SIG_VALTYPE_'));
        const sig = findSignal(findMessage(raw, line, 'SIG_VALTYPE_'), n, line, 'SIG_VALTYPE_');
        if (!sig) break;
        if (t === 0) sig.valueType = 'integer';
        else if (t === 1 || t === 2) {
          const bits = t === 1 ? 32 : 64;
          if (sig.length !== bits)
            s.fail(reason('dbc.float-bits', { signal: n, type: t, bits, length: sig.length }), line);
          sig.valueType = t === 1 ? 'float32' : 'float64';
        } else s.fail(reason('dbc.value-type', { type: t }), line);
        break;
      }
      case 'SG_MUL_VAL_': {
        const raw = s.uint('message id');
        const n = s.ident('signal name');
        const sw = s.ident('multiplexer signal name');
        const ranges: [number, number][] = [];
        for (;;) {
          s.skip();
          if (s.tryChar(';')) break;
          // Ranges are written `a-b`: read two unsigned numbers around the dash.
          const a = s.uint('range start');
          s.expect('-', 'in a multiplexer range');
          const b = s.uint('range end');
          if (b < a) s.fail(reason('dbc.range-reversed', { from: a, to: b }), line);
          ranges.push([a, b]);
          s.tryChar(',');
        }
        const m = findMessage(raw, line, 'SG_MUL_VAL_');
        const sig = findSignal(m, n, line, 'SG_MUL_VAL_');
        const swSig = findSignal(m, sw, line, 'SG_MUL_VAL_');
        if (sig && swSig) {
          if (!swSig.isMultiplexer)
            s.fail(reason('dbc.not-a-multiplexer', { signal: sw, message: m!.name }), line);
          const prev = extendedMux.get(sig);
          if (prev && prev.cond.signal === sw) prev.cond.ranges.push(...ranges);
          else if (prev)
            s.fail(reason('dbc.two-multiplexers', { signal: n, first: prev.cond.signal, second: sw }), line);
          else extendedMux.set(sig, { cond: { signal: sw, ranges }, line });
        }
        break;
      }
      default:
        if (SKIPPED.has(kw)) {
          s.skipStatement(kw, line);
          break;
        }
        s.fail(reason('dbc.unknown-keyword', { keyword: clip(kw) }), line);
    }
  }

  for (const a of attributeLines) a.apply();

  // Multiplexing: SG_MUL_VAL_ (extended) wins; plain mN means "when the message's M signal equals N".
  for (const { message, signal, value } of simpleMux) {
    const ext = extendedMux.get(signal);
    if (ext) continue;
    const switches = message.signals.filter((x) => x.isMultiplexer && x !== signal);
    if (switches.length !== 1) {
      s.fail(
        switches.length === 0
          ? reason('dbc.no-multiplexer', { signal: signal.name, value, message: message.name })
          : reason('dbc.several-multiplexers', { signal: signal.name, value, message: message.name }),
        signal.line,
      );
    }
    signal.multiplexer = { signal: switches[0].name, ranges: [[value, value]] };
  }
  for (const [signal, { cond, line }] of extendedMux) {
    if (cond.signal === signal.name) s.fail(reason('dbc.mux-itself', { signal: signal.name }), line);
    signal.multiplexer = cond;
  }
  for (const m of dbc.messages) {
    checkMuxCycles(m, s);
    const format = m.attributes.VFrameFormat;
    if (typeof format === 'string') {
      if (format.startsWith('Extended')) m.extended = true;
      if (format.endsWith('_FD')) m.fd = true;
    }
  }
  return dbc;
}

function checkMuxCycles(m: DbcMessage, s: Scanner): void {
  const byName = new Map(m.signals.map((x) => [x.name, x]));
  for (const sig of m.signals) {
    const seen = new Set<string>();
    let cur: DbcSignal | undefined = sig;
    while (cur?.multiplexer) {
      if (seen.has(cur.name)) s.fail(reason('dbc.mux-loop', { message: m.name, signal: cur.name }), sig.line);
      seen.add(cur.name);
      const next = byName.get(cur.multiplexer.signal);
      if (!next)
        s.fail(
          reason('dbc.mux-missing', {
            signal: cur.name,
            multiplexer: cur.multiplexer.signal,
            message: m.name,
          }),
          cur.line,
        );
      cur = next;
    }
  }
}

function readValueDescriptions(s: Scanner, onMissing: (line: number) => void): Map<number, string> {
  const values = new Map<number, string>();
  for (;;) {
    const lastLine = s.line;
    if (s.tryChar(';')) return values;
    // A list that stops at the end of a line without ';', followed by the next statement.
    if (s.eof || (s.line > lastLine && values.size > 0 && !/[-+\d.]/.test(s.peek()))) {
      onMissing(lastLine);
      return values;
    }
    const v = s.number('value');
    const label = s.string('value description');
    values.set(v, label);
  }
}

function readAttributeValue(s: Scanner): AttributeValue {
  s.skip();
  if (s.peek() === '"') return s.string('attribute value');
  return s.number('attribute value');
}

/** ENUM values given as an index become their label; numbers given as strings stay as written. */
function coerce(def: DbcAttributeDefinition, value: AttributeValue): AttributeValue {
  if (
    def.type === 'ENUM' &&
    typeof value === 'number' &&
    def.values &&
    Number.isInteger(value) &&
    value >= 0 &&
    value < def.values.length
  ) {
    return def.values[value];
  }
  return value;
}

/**
 * Reads and parses a DBC file: UTF-8, or Windows-1252 when it is not valid UTF-8 (CANdb++ writes
 * the PC's code page: "°C" and, in comments, "€" or "’", which Latin-1 would turn into controls).
 */
export async function readDbc(path: string): Promise<Dbc> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    // A directory fails at the read, where Node names no file.
    throw namingFile(path, err);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = windows1252(bytes);
  }
  return parseDbc(text, path);
}
