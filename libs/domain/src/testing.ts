/**
 * Given/when/then specification for deciders (test-only; uses jest's global `expect`; not exported from
 * the barrel). Usage:
 *   const spec = DeciderSpecification.for(disputeDecider);
 *   spec.given(events).when(command).then(expectedEvents);
 *   spec.given(events).when(command).thenMatches([{ type: 'DisputeSettled', data: { via: 'CHOICE' } }]);
 *   spec.given(events).when(command).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['PICKUP_SCANNED'] });
 */
import type { Decider } from './decider';
import { DomainError } from './errors';

export interface Then<E, S> {
  /** The produced events equal `expected` exactly. */
  then(expected: E[]): E[];
  /** The produced events match `expected` (toMatchObject: partial objects, same length). */
  thenMatches(expected: unknown[]): E[];
  /** Nothing is produced. */
  thenNothing(): void;
  /** decide throws a DomainError with this code (and details matching `details`, if given). */
  thenThrows(code: string, details?: Record<string, unknown>): DomainError;
  /** The state after applying the produced events. */
  thenState(): S;
  /** The produced events, for custom assertions. */
  events(): E[];
}

export const DeciderSpecification = {
  for<C, E, S>(decider: Decider<C, E, S>) {
    return {
      given(givenEvents: E[]) {
        const state = () => givenEvents.reduce(decider.evolve, decider.initialState());
        return {
          when(command: C): Then<E, S> {
            const run = () => decider.decide(command, state());
            return {
              then(expected: E[]) {
                const out = run();
                expect(out).toEqual(expected);
                return out;
              },
              thenMatches(expected: unknown[]) {
                const out = run();
                expect(out).toHaveLength(expected.length);
                expect(out).toMatchObject(expected);
                return out;
              },
              thenNothing() {
                expect(run()).toEqual([]);
              },
              thenThrows(code: string, details?: Record<string, unknown>) {
                let caught: unknown;
                try {
                  run();
                } catch (e) {
                  caught = e;
                }
                expect(caught).toBeInstanceOf(DomainError);
                const err = caught as DomainError;
                expect(err.code).toBe(code);
                if (details) expect(err.details).toMatchObject(details);
                return err;
              },
              thenState() {
                return run().reduce(decider.evolve, state());
              },
              events() {
                return run();
              },
            };
          },
        };
      },
    };
  },
};
