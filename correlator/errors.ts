/** The one error class of the correlator: a kind to react to, a message that says what to change. */
export type CorrelatorErrorKind =
  | 'config' // a precondition of the configuration failed
  | 'block' // a block that breaks the stream's contract (wrong input, odd length, sample index out of order)
  | 'backend' // a backend could not start or failed mid-stream
  | 'closed'; // used after close

export class CorrelatorError extends Error {
  override name = 'CorrelatorError';
  constructor(
    readonly kind: CorrelatorErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
