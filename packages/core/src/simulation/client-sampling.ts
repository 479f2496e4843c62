/** Which clients take part in a round. */
import type { Rng } from '../random.js';

/**
 * `m` distinct clients out of `numClients`, uniformly without replacement (the reference's
 * `np.random.choice(range(N), m, replace=False)`), returned in ascending id order so logs and
 * executor order do not depend on draw order.
 */
export function sampleClients(rng: Rng, numClients: number, m: number): number[] {
  return rng.sampleWithoutReplacement(numClients, m).sort((a, b) => a - b);
}
