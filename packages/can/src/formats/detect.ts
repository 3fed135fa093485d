import { extname } from 'node:path';
import { type LogFormat, LogParseError } from '../log.js';
import { reason } from '../reason.js';
import { pcapMagic } from './pcap.js';

const BY_EXTENSION: Record<string, LogFormat> = {
  '.log': 'candump',
  '.asc': 'asc',
  '.trc': 'trc',
  '.csv': 'csv',
  '.mf4': 'mf4',
  '.blf': 'blf',
  '.pcap': 'pcap',
  '.cap': 'pcap',
  '.pcapng': 'pcapng',
};

/**
 * The format an output file gets from its extension (.log candump, .asc, .trc PEAK, .csv, .mf4, .blf;
 * any case). A CANHacker `.trc` is told from a PEAK one by its content (detectFormat).
 */
export function formatFromExtension(path: string): LogFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/**
 * MF4 (finalised or not, as loggers leave them) or BLF from the magic at the start of the file
 * (`logMagic` adds pcap and pcapng).
 */
export function binaryMagic(firstBytes: Uint8Array): LogFormat | undefined {
  const head = Buffer.from(firstBytes.subarray(0, 8)).toString('latin1');
  if (head === 'MDF     ' || head === 'UnFinMF ') return 'mf4';
  if (head.startsWith('LOGG')) return 'blf';
  return undefined;
}

/** Any binary log from its magic: MF4, BLF, pcap or pcapng. */
export function logMagic(firstBytes: Uint8Array): LogFormat | undefined {
  return binaryMagic(firstBytes) ?? pcapMagic(firstBytes);
}

/**
 * The format of a log from its first bytes, or undefined when nothing matches. Looks at the first
 * lines that are not blank; a handful of sure markers per format, so a wrong guess is unlikely.
 */
export function sniffFormat(firstBytes: Uint8Array): LogFormat | undefined {
  const binary = logMagic(firstBytes);
  if (binary) return binary;
  const text = Buffer.from(firstBytes.subarray(0, 4096)).toString('latin1');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  // The last line of a sample may be cut short.
  if (lines.length > 1 && !/\n\s*$/.test(text)) lines.pop();
  for (const line of lines.slice(0, 20)) {
    if (/^\(\d+(\.\d+)?\) \S+ [0-9A-Fa-f]+#/.test(line)) return 'candump';
    // Screen output: an optional -t time (seconds, or -t A's date), -x's direction columns.
    if (
      /^\s*(\((\d+(\.\d+)?|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?)\)\s+)?\S+\s+([RT]X\s+\S\s+\S\s+)?[0-9A-Fa-f]{3,8}\s+\[\d{1,2}\]/.test(
        line,
      )
    )
      return 'candump-screen';
    if (/^;\$FILEVERSION=/.test(line) || /^\s+\d+\)\s+\d+(\.\d+)?\s/.test(line)) return 'trc';
    if (/^(date |base (hex|dec)|Begin Triggerblock|\/\/ version|(no )?internal events logged)/i.test(line))
      return 'asc';
    if (/^Time Stamp,ID,Extended,/i.test(line)) return 'csv';
    if (line.trim() === 'timestamp,arbitration_id,extended,remote,error,dlc,data') return 'python-can-csv';
    if (isCanHackerLine(line)) return 'canhacker';
  }
  return undefined;
}

/**
 * A CANHacker trace's header (`Time   ID     DLC Data …`) or frame line (`11,201 0F1      4 34 01 00 40`:
 * time with `.` or `,`, then a 3- or 8-digit id and a DLC). No PEAK TRC line starts that way: PEAK
 * lines start with `;` or a message number (`1)`, or `1` followed by a time in ms and a type).
 */
function isCanHackerLine(line: string): boolean {
  return (
    /^(\xEF\xBB\xBF)?Time\s+ID\s+DLC\s+Data\b/i.test(line) ||
    /^\d{1,10}([.,]\d{1,6})?[ \t]+([0-9A-Fa-f]{3}|[0-9A-Fa-f]{8})[ \t]+[0-8]([ \t]|$)/.test(line)
  );
}

/**
 * The format of the log at `path`: MF4, BLF, pcap and pcapng from their magic whatever the name; else from the
 * extension, except `.txt` and unknown ones which are sniffed; a `.log` whose content is clearly
 * another format (candump screen output, ASC, TRC, SavvyCAN CSV) is read as that format. A `.mf4`
 * or `.blf` without its magic goes to that reader, which says what it found. Throws a
 * LogParseError when the content says nothing (empty, binary, unknown).
 */
export function detectFormat(path: string, firstBytes: Uint8Array): LogFormat {
  const byName = formatFromExtension(path);
  if (firstBytes.length === 0) throw new LogParseError(path, 1, reason('empty-file'));
  const binary = logMagic(firstBytes);
  if (binary) return binary;
  if (Buffer.from(firstBytes.subarray(0, 12)).toString('latin1') === 'Generic File') {
    throw new LogParseError(path, 1, reason('canedge-packed'));
  }
  if (byName === 'mf4' || byName === 'blf' || byName === 'pcap' || byName === 'pcapng') return byName;
  const nul = firstBytes.indexOf(0);
  if (nul >= 0) {
    const line = 1 + firstBytes.subarray(0, nul).filter((b) => b === 0x0a).length;
    throw new LogParseError(path, line, reason('binary-content', { offset: nul }));
  }
  const sniffed = sniffFormat(firstBytes);
  // `.log` is what many tools call any log: let clear content (screen output, ASC, TRC) decide.
  if (byName === 'candump' && sniffed) return sniffed;
  // `.trc` is both PEAK's and CANHacker's extension: the content tells which.
  if (byName === 'trc' && sniffed === 'canhacker') return sniffed;
  // `.csv` is both SavvyCAN's and python-can's: the header tells which.
  if (byName === 'csv' && sniffed === 'python-can-csv') return sniffed;
  if (byName) return byName;
  if (sniffed) return sniffed;
  throw new LogParseError(path, 1, reason('unknown-format'));
}
