/** The observations domain: the store, exporters and upload queue. */
export { ObservationError, type ObservationErrorKind } from './errors.ts';
export { defaultDataDir, resolveDataDir, dataFiles } from './paths.ts';
export { Store, type OpenOptions, type StartObservation } from './store/store.ts';
export { Recording } from './store/recording.ts';
export type * from './store/types.ts';
