/**
 * Progress of long engine work (observe, raw, reprocess, exports) reaches
 * its reporter (the CLI's bar, the station's 'task' events) through one
 * kind of callback; this keeps a reporter from being called more often
 * than a person can read.
 */

/** Calls `report` at most once every `ms` milliseconds (of wall time: it paces a display, not the sky). */
export function throttle<T>(report: (p: T) => void, ms: number): (p: T) => void {
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    if (now - last < ms) return;
    last = now;
    report(p);
  };
}
