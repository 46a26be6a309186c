// The agency's wall clock for front ends that may not reach core (the CLI prints and reads times in
// the agency's zone; issue #14 item 10).
export { utcToLocal, localTimeToUtc, isValidLocalDateTime, type LocalDateTime } from '../core/media/localTime.ts';
