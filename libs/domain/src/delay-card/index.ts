/** Delay cards (延迟发货卡片), stream `delay-card-{orderId}` (`delayCardDecider`); see ../delay.ts. */
export * from './rules';
export * from './commands';
export * from './events';
export * from './state';
export { decideDelayCard, delayCardDecider } from './decide';
export * from './view';
