/**
 * The error every aggregator throws for malformed input (mismatched keys or shapes, duplicate
 * client ids, bad weights, too few clients for a robust rule). Modelled on Flower's
 * `AggregationError`: the message says what is wrong, where (round, client, tensor) and how to
 * fix it; the fields let callers react without parsing the message.
 */
export class AggregationError extends Error {
  override readonly name = 'AggregationError';
  /** Round of the failed aggregation, when known. */
  readonly round: number | undefined;
  /** Client whose update caused the error, when one client is at fault. */
  readonly clientId: number | undefined;
  /** Array (tensor) name at fault, when one array is at fault. */
  readonly tensor: string | undefined;

  constructor(message: string, context: { round?: number; clientId?: number; tensor?: string; cause?: unknown } = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.round = context.round;
    this.clientId = context.clientId;
    this.tensor = context.tensor;
  }
}
