/**
 * What happens to an error thrown by a listener (`onStateChange`, ...) that tenacious calls while it
 * handles some call: that call is not disturbed (it may well be another caller's, whose attempt
 * merely tipped the state), and the error is not swallowed either. It is reported as a process
 * warning, `TenaciousWarning` with code `TENACIOUS_LISTENER_THREW`, carrying the thrown value as its
 * `cause`; `process.on('warning', ...)` sees it, and Node prints it once by default.
 */
import { describeValue } from '../policy/describe-value';

export function reportListenerFailure(listenerName: string, thrown: unknown): void {
  let detail: string;
  try {
    detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : describeValue(thrown);
  } catch {
    // A getter (or a Proxy's trap) that throws: the report must still be made, and not throw.
    detail = describeValue(thrown);
  }
  const warning = new Error(`an ${listenerName} listener threw: ${detail}`, { cause: thrown });
  warning.name = 'TenaciousWarning';
  (warning as Error & { code: string }).code = 'TENACIOUS_LISTENER_THREW';
  process.emitWarning(warning);
}
