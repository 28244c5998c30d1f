/**
 * Requests the local servers of this process hold on purpose (a scripted delay, hang or pause in a
 * stream) and have not answered yet. A test running an example on a fake clock lets virtual time
 * pass only while every request in flight is held so: then nothing but time can move it on.
 */
let onHold = 0;

/** Counts one request as held until the returned function is called (later calls do nothing). */
export function holdRequest(): () => void {
  onHold += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    onHold -= 1;
  };
}

/** How many requests the local servers of this process hold on purpose right now. */
export function requestsOnHold(): number {
  return onHold;
}
