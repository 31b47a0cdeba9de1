import { describe, expect, test } from 'vitest';
import { isTimeZone, shopDate, startOfShopDay } from '../../../domain/shopDay';

describe("the shop's day", () => {
  test('just after midnight UTC is still yesterday in New York, and its day began at 05:00 UTC in winter', () => {
    const now = new Date('2026-01-15T02:30:00Z');
    expect(shopDate(now, 'America/New_York')).toBe('2026-01-14');
    expect(startOfShopDay(now, 'America/New_York').toISOString()).toBe('2026-01-14T05:00:00.000Z');
  });

  test('east of Greenwich the day begins before UTC midnight', () => {
    const now = new Date('2026-07-01T23:30:00Z');
    expect(shopDate(now, 'Asia/Tokyo')).toBe('2026-07-02');
    expect(startOfShopDay(now, 'Asia/Tokyo').toISOString()).toBe('2026-07-01T15:00:00.000Z');
  });

  test('on a daylight-saving day the start uses the offset in force at midnight', () => {
    // Lisbon moves to summer time at 01:00 UTC on 2026-03-29; midnight was still UTC+0.
    expect(startOfShopDay(new Date('2026-03-29T20:00:00Z'), 'Europe/Lisbon').toISOString()).toBe(
      '2026-03-29T00:00:00.000Z',
    );
    expect(startOfShopDay(new Date('2026-03-30T20:00:00Z'), 'Europe/Lisbon').toISOString()).toBe(
      '2026-03-29T23:00:00.000Z',
    );
  });

  test('UTC is UTC, and unknown zones are refused', () => {
    expect(startOfShopDay(new Date('2026-05-05T12:00:00Z'), 'UTC').toISOString()).toBe(
      '2026-05-05T00:00:00.000Z',
    );
    expect(isTimeZone('Europe/Lisbon')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
