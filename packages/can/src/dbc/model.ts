import { type Reason, type ReasonLang, sayAtLine, sayReason } from '../reason.js';

/** What a DBC file describes, as plain data. Names follow the DBC keywords they come from. */

export type ByteOrder = 'little-endian' | 'big-endian';
/** `integer` unless SIG_VALTYPE_ says IEEE float (1, 32 bits) or double (2, 64 bits). */
export type SignalValueType = 'integer' | 'float32' | 'float64';
export type AttributeValue = number | string;

export interface MultiplexCondition {
  /** Name of the multiplexer (switch) signal in the same message. */
  signal: string;
  /** The signal is present when the switch's raw value lies in one of these inclusive ranges. */
  ranges: [number, number][];
}

export interface DbcSignal {
  name: string;
  /** Start bit as written: the LSB for Intel (`@1`), the MSB in DBC's sawtooth numbering for Motorola (`@0`). */
  startBit: number;
  length: number;
  /** `@1` little-endian (Intel), `@0` big-endian (Motorola). */
  byteOrder: ByteOrder;
  signed: boolean;
  valueType: SignalValueType;
  factor: number;
  offset: number;
  /** Declared range; not enforced when decoding (real ECUs send values outside it). */
  minimum: number;
  maximum: number;
  unit: string;
  receivers: string[];
  /** `M`: this signal selects which multiplexed signals are present. */
  isMultiplexer: boolean;
  /** `mN` (simple) or SG_MUL_VAL_ (extended multiplexing): when this signal is present. */
  multiplexer?: MultiplexCondition;
  comment?: string;
  /** VAL_ labels by raw value. */
  values?: Map<number, string>;
  attributes: Record<string, AttributeValue>;
  /** Line of the SG_ statement. */
  line: number;
}

export interface DbcMessage {
  /** Arbitration id without the DBC's bit-31 extended flag. */
  id: number;
  extended: boolean;
  /** From the VFrameFormat attribute (StandardCAN_FD / ExtendedCAN_FD). */
  fd: boolean;
  name: string;
  /** Declared length in bytes (the DLC field of BO_, a byte count for CAN FD and ISO-TP payloads). */
  length: number;
  sender: string;
  /** Extra transmitters from BO_TX_BU_. */
  transmitters: string[];
  signals: DbcSignal[];
  comment?: string;
  attributes: Record<string, AttributeValue>;
  line: number;
}

export interface DbcNode {
  name: string;
  comment?: string;
  attributes: Record<string, AttributeValue>;
}

export type AttributeObject = 'network' | 'node' | 'message' | 'signal' | 'envvar';

export interface DbcAttributeDefinition {
  name: string;
  object: AttributeObject;
  type: 'INT' | 'HEX' | 'FLOAT' | 'STRING' | 'ENUM';
  minimum?: number;
  maximum?: number;
  /** ENUM labels, by index. */
  values?: string[];
  /** From BA_DEF_DEF_ (an ENUM default is its label). */
  default?: AttributeValue;
}

/** A statement that was understood but could not be applied (dangling reference, …). */
export interface DbcWarning {
  line: number;
  /** In English; `sayReason(detail, lang)` says it in the reader's language. */
  message: string;
  detail: Reason;
}

export interface Dbc {
  version: string;
  nodes: DbcNode[];
  messages: DbcMessage[];
  /** VAL_TABLE_ definitions by name. */
  valueTables: Map<string, Map<number, string>>;
  attributeDefinitions: Map<string, DbcAttributeDefinition>;
  /** Network attributes (BA_ without an object). */
  attributes: Record<string, AttributeValue>;
  comment?: string;
  warnings: DbcWarning[];
}

/**
 * A DBC that cannot be read: names the file and the 1-based line. `detail` is the reason as a code
 * with its parameters, `reason` and `message` are in English; `parseErrorMessage` says it in the
 * reader's language.
 */
export class DbcParseError extends Error {
  override name = 'DbcParseError';
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: Reason,
  ) {
    super(sayAtLine(file, line, undefined, detail, 'en'));
    this.reason = sayReason(detail, 'en');
  }

  /** The message in `lang`: the place spelled out, then the reason. */
  messageIn(lang: ReasonLang): string {
    return sayAtLine(this.file, this.line, undefined, this.detail, lang);
  }
}

/** The message Vector tools use to hold signals not assigned to any message; never on a bus. */
export const INDEPENDENT_SIGNALS_MESSAGE = 'VECTOR__INDEPENDENT_SIG_MSG';
