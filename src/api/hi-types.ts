/**
 * The hydrogen-line payloads of the contract (hi.spectrum, hi.survey), for
 * the UI: the engine's results (src/engine/hi.ts) plus the survey profile
 * (HI4PI) for the same direction where one is available. Types only.
 */
import type { HiResult, SurveyResult } from '../engine/hi.ts';
import type { HiMaskRange } from '../engine/hi-mask.ts';

export interface SurveyProfile {
  /** Which survey, and the direction of its profile (degrees). */
  survey: string;
  l: number;
  b: number;
  /** v_LSR (km/s) and T_B (K). */
  velocity: number[];
  temperature: number[];
}

export type HiSpectrumView = HiResult & { survey_profile: SurveyProfile | null };
export type HiSurveyView = SurveyResult;
/** The saved HI mask: its file in the data folder and its ranges. */
export interface HiMaskView {
  file: string;
  ranges: HiMaskRange[];
}
