/** A short, unambiguous rendering of a user-supplied value for an error message. Never throws. */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    // A revoked Proxy, or a Proxy or getter that throws: the message must still be built.
    return typeof value === 'function' ? '[function]' : '[object]';
  }
}

const maxItemsShown = 20;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // 5n, not 5: `maxAttempts: 5n` must not read as if 5 had been rejected.
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return value.name ? `[function ${value.name}]` : '[function]';
  if (Array.isArray(value)) {
    // The first items only: a sparse array of length 2^32 - 1 would take minutes to map.
    const shown = Array.prototype.slice.call(value, 0, maxItemsShown) as unknown[];
    const more = value.length > maxItemsShown ? `, ... ${value.length - maxItemsShown} more` : '';
    return `[${Array.from(shown, describe).join(', ')}${more}]`;
  }
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
