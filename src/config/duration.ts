const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION = /^(\d+)\s*(s|m|h|d|w)?$/i;

/** Seconds in a duration written as `90`, `90s`, `15m`, `1h`, `7d` or `2w`; undefined when it is none of those. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's').toLowerCase()];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
