import type { AlarmStateSignal } from './types.ts';

/**
 * An alarm transition that pages: it entered ALARM with its actions not suppressed. It opens an
 * incident, raises severity and gets an "alarm fired" hint; a suppressed one is context only (the
 * alarm is in maintenance on purpose).
 */
export function firedAndNotSuppressed(transition: AlarmStateSignal): boolean {
  return transition.state.value === 'ALARM' && transition.state.actionsSuppressedBy === undefined;
}
