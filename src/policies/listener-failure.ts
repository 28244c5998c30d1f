/**
 * What happens to an error thrown by a listener (`onStateChange`, ...) that tenacious calls while it
 * handles some call: that call is not disturbed (it may well be another caller's, whose attempt
 * merely tipped the state), and the error is not swallowed either. It is reported as a process
 * warning, `TenaciousWarning` with code `TENACIOUS_LISTENER_THREW`, carrying the thrown value as its
 * `cause`; `process.on('warning', ...)` sees it, and Node prints it once by default.
 */
import { readName, readString } from '../classify/error-shape';
import { describeValue } from '../policy/describe-value';

export function reportListenerFailure(listenerName: string, thrown: unknown): void {
  // Read safely: this runs in a rejection handler too, where a throw would be an unhandled rejection.
  const name = readName(thrown);
  const message = readString(thrown, 'message');
  const detail =
    name !== undefined && message !== undefined ? `${name}: ${message}` : describeValue(thrown);
  const warning = new Error(`an ${listenerName} listener threw: ${detail}`, { cause: thrown });
  warning.name = 'TenaciousWarning';
  (warning as Error & { code: string }).code = 'TENACIOUS_LISTENER_THREW';
  process.emitWarning(warning);
}
