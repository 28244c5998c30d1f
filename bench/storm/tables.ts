import type { ProtectionRow } from './protection';
import type { OutageRow, StormConfig, StormRow } from './scenarios';

type Cell = string | number;

/** A Markdown table, padded so that it also reads well in a terminal; numbers are right-aligned. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const text = rows.map((row) => row.map(String));
  const numeric = headers.map((_, column) => rows.every((row) => typeof row[column] === 'number'));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...text.map((row) => row[column].length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(headers), rule, ...text.map(line)].join('\n');
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function formatStormTable(config: StormConfig, rows: readonly StormRow[]): string {
  const title =
    `Retry storm: N clients at t=0, server serves ${config.capacity} calls per ${config.slotMs} ms, ` +
    `initialDelay ${config.initialDelay} ms, maxDelay ${config.maxDelay} ms, base ${config.exponentialBase}, ` +
    `maxAttempts ${config.maxAttempts}; mean of ${config.trials} trial(s), seed ${config.seed}`;
  const table = markdownTable(
    ['N', 'jitter', 'total calls', 'calls/client', 'last done (s)', 'gave up'],
    rows.map((row) => [
      row.clients,
      row.jitter,
      round(row.calls, 1),
      round(row.callsPerClient, 2),
      round(row.lastDoneSeconds, 1),
      round(row.gaveUp, 1),
    ]),
  );
  return `${title}\n\n${table}`;
}

export function formatOutageTable(config: StormConfig, rows: readonly OutageRow[]): string {
  const title =
    `Full outage: the server refuses every call for ${config.outageMs / 1000} s; ${config.outageRequests} requests ` +
    `arrive evenly during it; library defaults; seed ${config.seed}`;
  const table = markdownTable(
    [
      'policy',
      'server answers',
      'calls/request',
      'most calls',
      'served after (%)',
      'gave up (%)',
      'peak load (x)',
    ],
    rows.map((row) => [
      row.policy,
      row.serverAnswers,
      round(row.callsPerRequest, 2),
      row.mostCallsForOneRequest,
      round(row.succeededPercent, 1),
      round(row.gaveUpPercent, 1),
      round(row.peakLoadFactor, 1),
    ]),
  );
  return `${title}\n\n${table}`;
}

export function formatProtectionTable(config: StormConfig, rows: readonly ProtectionRow[]): string {
  const title =
    `Budgets and breakers: R requests/s arrive evenly for ${config.protectionSeconds} s while the server is down ` +
    `(full outage) or fails each call with probability 0.5 (50% brownout), until every request ended; ` +
    `library defaults, run by the real library in simulated time; seed ${config.seed}. ` +
    `Bound: DESIGN's (1.1 + 10/R) calls per request with the default budget`;
  const figure = (value: number | null, digits: number): string =>
    value === null ? 'n/a' : String(round(value, digits));
  const table = markdownTable(
    ['R/s', 'server', 'policy', 'calls/request', 'bound', 'served (%)', 'never reached server (%)'],
    rows.map((row) => [
      row.rate,
      row.server,
      row.policy,
      figure(row.callsPerRequest, 2),
      row.bound === null
        ? '-'
        : `${round(row.bound, 2)}${row.withinBound === null ? '' : row.withinBound ? ' (within)' : ' (EXCEEDED)'}`,
      figure(row.servedPercent, 1),
      figure(row.neverReachedPercent, 1),
    ]),
  );
  const missing = rows.some((row) => !row.available)
    ? '\n\nn/a: this build of tenacious does not export RetryBudget / CircuitBreaker yet.'
    : '';
  return `${title}\n\n${table}${missing}`;
}
