/**
 * Delay reports (延迟发货报备), stream `delay-report-{reportId}` (`delayReportDecider`); see ../delay.ts for both
 * kinds and their rules.
 */
export * from './rules';
export * from './commands';
export * from './events';
export { initialDelayReportState, evolveDelayReport, type DelayReportState } from './state';
export { decideDelayReport, delayReportDecider } from './decide';
export * from './view';
