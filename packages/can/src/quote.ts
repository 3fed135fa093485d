/** Longest piece of outside input (a log line's token, a DBC word, adapter text) an error quotes. */
export const MAX_QUOTE = 120;

/**
 * Outside text quoted in an error, cut to `max` characters with the length said: a garbled file
 * or a flooding adapter must not turn one error into a message of hundreds of kilobytes. Where
 * the problem is (line, column, byte offset) is said by the error beside the quote.
 */
export function clip(text: string, max = MAX_QUOTE): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
