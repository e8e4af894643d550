import { MetricsParseError } from './parse-error';
import { PlistError } from './plist';
import { failure, reasons, success, type Outcome } from './readings';

/** Runs a parser on tool output: garbage becomes a failed outcome with the parser's message, never a throw. */
export function parseOutcome<T>(source: string, parse: () => T): Outcome<T> {
  try {
    return success(parse());
  } catch (error) {
    if (error instanceof MetricsParseError || error instanceof PlistError)
      return failure(reasons.failed(source, `unexpected output (${error.message})`));
    throw error;
  }
}
