/** The FX core's public surface. */
export type { Block, BackendChoice, BackendName, Calibration, CalibrationState, CorrelationMode, FxConfig, Integration, IntegrationEnd, ResolvedFxConfig } from './types.ts';
export { calibratedGains, scaleSums, validateCalibration } from './calibration.ts';
export type { FxBackend, IntegrationSums } from './backend.ts';
export { emptySums } from './backend.ts';
export { baselineCount, baselineIndex, baselinePairs, productPairs } from './baselines.ts';
export { validateConfig, validateGains, windowSamples } from './config.ts';
export { CorrelatorError, type CorrelatorErrorKind } from './errors.ts';
export { ReferenceBackend, referenceIntegrations } from './reference.ts';
export { CpuBackend, maxThreads, type CpuOptions } from './cpu.ts';
export { Pipeline } from './pipeline.ts';
export { spectralKurtosis } from './sk.ts';
