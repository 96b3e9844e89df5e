import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['10s', 10],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
    ['2w', 1209600],
    [' 1H ', 3600],
    [30, 30],
  ])('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', '0', '0s', '-1h', '1.5h', '1y', 'soon', '1 hour'])('%j is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
