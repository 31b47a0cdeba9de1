// The shop's calendar day, in its own time zone: the board's "today" must not be UTC's.

/** The machine's IANA time zone (`TZ`, else the system's), the default for SHOP_TIME_ZONE. */
export const machineTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** True for an IANA time zone name the runtime knows (e.g. `Europe/Lisbon`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/** The shop's date (YYYY-MM-DD) at an instant. */
export function shopDate(now: Date, timeZone: string): string {
  return new Date(now.getTime() + offsetMs(now.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** The instant the shop's current day began (local midnight; DST-safe: the offset is read at midnight). */
export function startOfShopDay(now: Date, timeZone: string): Date {
  const midnightAsUtc = Date.parse(`${shopDate(now, timeZone)}T00:00:00Z`);
  const guess = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  return new Date(midnightAsUtc - offsetMs(guess, timeZone));
}
