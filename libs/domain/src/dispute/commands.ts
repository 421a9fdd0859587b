/** Commands of the dispute aggregate (every instant in `now`; the app gathers the order snapshot and the rules). */
import type { FileAppeal } from '../appeal/appeal';
import type { Evidence } from '../shared/input';
import type { JudgeContext } from '../shared/rules';
import type { DisputeSettings } from '../shared/settings';
import type { DeadlineKind, DisputeOption, Flow, OrderFactRef, OrderSnapshot, Outcome, Violation } from '../shared/types';
import type { Defense, DelayExcuse } from './events';

export interface OpenDispute {
  type: 'OpenDispute';
  disputeId: string;
  order: OrderSnapshot;
  openedAt: string;
  flow: Flow;
  settings: DisputeSettings;
  now: string;
}

export interface ChooseOption {
  type: 'ChooseOption';
  option: DisputeOption;
  agreedShipBy?: string;
  evidence?: Evidence[];
  defense?: Defense;
  /** Approved delay reports / accepted delay cards covering the order; absent until that feature exists. */
  delayExcuses?: DelayExcuse[];
  order: OrderSnapshot;
  now: string;
  rules: JudgeContext;
}

export interface ConsumerRespond {
  type: 'ConsumerRespond';
  accepted: boolean;
  comment?: string;
  now: string;
  rules: JudgeContext;
}

export interface Contest {
  type: 'Contest';
  statement: string;
  now: string;
}

export interface Judge {
  type: 'Judge';
  outcome: Outcome;
  violation?: Violation;
  rationale: string;
  now: string;
  rules: JudgeContext;
  /** The deciding adjudicator's sub (required to decide an appeal: four eyes). */
  adjudicator?: string;
}

export interface ObservePickup {
  type: 'ObservePickup';
  pickup: OrderFactRef;
  now: string;
}

export interface FireDeadline {
  type: 'FireDeadline';
  deadline: DeadlineKind;
  /** Needed for RESPONSE and AGREED_SHIP_BY. */
  order?: OrderSnapshot;
  /** Needed where a judgement may result (RESPONSE, AGREED_SHIP_BY). */
  rules?: JudgeContext;
  now: string;
}

export type DisputeCommand = OpenDispute | ChooseOption | ConsumerRespond | Contest | Judge | ObservePickup | FireDeadline | FileAppeal;
