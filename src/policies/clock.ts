/**
 * The one clock of the policies' state: wall-clock milliseconds (`Date.now()`), so a break's end
 * can be stored in a snapshot and survive a restart, and so jest's fake timers
 * (`jest.setSystemTime`, `advanceTimersByTime`) drive every state machine in tests. Policies read
 * it only when they need it; they never start a timer of their own.
 */
export function now(): number {
  return Date.now();
}
