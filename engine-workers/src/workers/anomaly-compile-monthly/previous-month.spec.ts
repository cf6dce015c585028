/** The month compiled on the 1st is the one before, in China time. */
import { previousMonth } from './anomaly-compile-monthly.worker';

test('the previous month in China time, across a year and a UTC/China date line', () => {
  expect(previousMonth(new Date('2026-12-01T02:00:00+08:00'))).toBe('2026-11');
  expect(previousMonth(new Date('2027-01-01T02:00:00+08:00'))).toBe('2026-12');
  // 30 Nov 18:00 UTC is already 1 Dec in China
  expect(previousMonth(new Date('2026-11-30T18:00:00Z'))).toBe('2026-11');
});
