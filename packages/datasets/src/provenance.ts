// The provenance types live in core (ImageDataset carries them); re-exported here where loaders use them.
export type { DataFileRead, DatasetProvenance } from '@fedloge/core/data';
