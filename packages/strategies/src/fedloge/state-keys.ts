/**
 * Where FedLoGe's heads sit in its array records. Own file so the strategy and the model exporter
 * (which the strategy calls) share them without importing each other.
 */

/** State-key prefix of the global auxiliary head g_aux (aggregated). */
export const GAUX_PREFIX = 'gaux.';
/** State-key prefix of a client's local head (client state, never aggregated). */
export const LOCAL_PREFIX = 'local.';
