import { DELAY_CARD_RESPONSE_WINDOW_MS, DELAY_REPORT_REVIEW_WINDOW_MS, parseIsoDuration } from '@app/domain';

/**
 * Windows of the delay feature, ISO-8601 durations read from the environment (like the dispute windows):
 *  - DELAY_REPORT_REVIEW_WINDOW (default PT24H): a report still unreviewed after this is flagged overdue;
 *  - DELAY_CARD_RESPONSE_WINDOW (default PT48H): a delay card unanswered after this is cancelled.
 * Each report / card records its due time when it is filed / sent, so a change never moves existing ones.
 * An invalid value stops the service at start-up.
 */
export interface DelaySettings {
  reviewWindowMs: number;
  cardResponseWindowMs: number;
}

export function loadDelaySettings(env: NodeJS.ProcessEnv = process.env): DelaySettings {
  const read = (name: string, def: number): number => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return def;
    try {
      return parseIsoDuration(v);
    } catch (e) {
      throw new Error(`Invalid configuration: ${name} must be a positive ISO-8601 duration such as PT24H (got "${v}"): ${(e as Error).message}`);
    }
  };
  return {
    reviewWindowMs: read('DELAY_REPORT_REVIEW_WINDOW', DELAY_REPORT_REVIEW_WINDOW_MS),
    cardResponseWindowMs: read('DELAY_CARD_RESPONSE_WINDOW', DELAY_CARD_RESPONSE_WINDOW_MS),
  };
}
