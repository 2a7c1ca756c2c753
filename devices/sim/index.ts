/**
 * The simulated sky and front ends: seeded, deterministic cu8 from one or
 * more dishes and dongles. See DESIGN.md, "The simulator".
 */
export { openSimSource, openSimGroup, SimSource, SimGroup, type SimOptions, type SimSourceOptions, type SimGroupOptions } from './source.ts';
export { SimEngine, frameLength, crossFade, type EngineOptions } from './engine.ts';
export { defaultScenario, loadScenario, parseScenario, startTime, type Scenario, type AntennaConfig, type PointingConfig, type RfiTone } from './scenario.ts';
export { asPointingModel, pointingFromConfig, pointingFromRotator, sunHorizontal, type PointingModel, type PointingInput, type PositionReader, type RotatorPointing } from './pointing.ts';
export type { Horizontal, Equatorial, Site } from './ephemeris.ts';
