import { readRetryAfter } from '../../src/backoff/retry-after';
import { HttpError } from '../../src/classify/http-error';

const now = Date.UTC(2025, 0, 1, 0, 0, 0);

describe('readRetryAfter: where the headers are', () => {
  it.each([
    ['error.headers', { headers: { 'retry-after': '3' } }],
    ['error.response.headers', { response: { headers: { 'retry-after': '3' } } }],
    [
      'error.$response.headers (AWS SDK)',
      { $response: { statusCode: 429, headers: { 'retry-after': '3' } } },
    ],
    ['a WHATWG Headers', { headers: new Headers({ 'Retry-After': '3' }) }],
    [
      'a Headers on the response',
      { response: { status: 429, headers: new Headers({ 'retry-after': '3' }) } },
    ],
    ['an HttpError', new HttpError(429, { 'Retry-After': '3' })],
    [
      'an Error with $response',
      Object.assign(new Error('ThrottlingException'), {
        $response: { headers: { 'retry-after': '3' } },
      }),
    ],
  ])('finds it at %s', (_where, source) => {
    expect(readRetryAfter(source, now)).toBe(3000);
  });

  it('prefers the headers of the error itself to those of its response', () => {
    const source = {
      headers: { 'retry-after': '1' },
      $response: { headers: { 'retry-after': '9' } },
    };
    expect(readRetryAfter(source, now)).toBe(1000);
  });

  it('falls back to the next location when the first has no hint', () => {
    const source = {
      headers: { 'content-type': 'text/plain' },
      response: { headers: { 'retry-after': '4' } },
    };
    expect(readRetryAfter(source, now)).toBe(4000);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'retry-after: 3'],
    ['a number', 3],
    ['an Error without headers', new Error('boom')],
    ['headers that are a string', { headers: 'retry-after: 3' }],
    ['headers without any hint', { headers: { 'content-type': 'application/json' } }],
  ])('returns undefined for %s', (_what, source) => {
    expect(readRetryAfter(source, now)).toBeUndefined();
  });
});

describe('readRetryAfter: header names and formats', () => {
  it.each([
    ['delta-seconds', { 'retry-after': '120' }, 120000],
    ['zero seconds', { 'retry-after': '0' }, 0],
    ['fractional seconds', { 'retry-after': '1.5' }, 1500],
    ['surrounding spaces', { 'retry-after': ' 2 ' }, 2000],
    ['a mixed-case name', { 'RETRY-AFTER': '2' }, 2000],
    ['a number value', { 'retry-after': 2 }, 2000],
    ['an array value (first wins)', { 'retry-after': ['2', '5'] }, 2000],
    ['x-amz-retry-after in ms', { 'x-amz-retry-after': '1500' }, 1500],
    ['retry-after-ms in ms', { 'retry-after-ms': '250' }, 250],
    ['fractional retry-after-ms (rounded up)', { 'retry-after-ms': '250.2' }, 251],
    ['IMF-fixdate', { 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, 5000],
    ['RFC 850 date', { 'retry-after': 'Wednesday, 01-Jan-25 00:00:05 GMT' }, 5000],
    ['asctime date', { 'retry-after': 'Wed Jan  1 00:00:05 2025' }, 5000],
    ['a date in the past', { 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
  ])('reads %s', (_what, headers, expected) => {
    expect(readRetryAfter({ headers }, now)).toBe(expected);
  });

  it.each([
    [
      'retry-after-ms over the others',
      { 'retry-after-ms': '10', 'x-amz-retry-after': '20', 'retry-after': '30' },
      10,
    ],
    ['x-amz-retry-after over retry-after', { 'x-amz-retry-after': '20', 'retry-after': '30' }, 20],
    [
      'a valid retry-after over an invalid retry-after-ms',
      { 'retry-after-ms': 'soon', 'retry-after': '3' },
      3000,
    ],
  ])('prefers %s', (_what, headers, expected) => {
    expect(readRetryAfter({ headers }, now)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'soon',
    '-1',
    '1e3',
    '1,5',
    '0x10',
    'NaN',
    'Infinity',
    'abc 2020',
    'Nov 2025',
    'Wed, 99 Foo 2025 00:00:05 GMT',
  ])('ignores the junk value %j', (value) => {
    expect(readRetryAfter({ headers: { 'retry-after': value } }, now)).toBeUndefined();
    expect(readRetryAfter({ headers: { 'x-amz-retry-after': value } }, now)).toBeUndefined();
    expect(readRetryAfter({ headers: { 'retry-after-ms': value } }, now)).toBeUndefined();
  });

  it.each([
    ['NaN', Number.NaN],
    ['an object', { seconds: 3 }],
    ['an empty array', []],
    ['null', null],
  ])('ignores a value that is %s', (_what, value) => {
    expect(readRetryAfter({ headers: { 'retry-after': value } }, now)).toBeUndefined();
  });
});

describe('readRetryAfter never throws', () => {
  it.each([
    [
      'a throwing headers getter',
      Object.defineProperty({}, 'headers', {
        get() {
          throw new Error('getter');
        },
      }),
    ],
    [
      'a throwing $response getter',
      Object.defineProperty({}, '$response', {
        get() {
          throw new Error('getter');
        },
      }),
    ],
    [
      'a throwing header value',
      {
        headers: Object.defineProperty({}, 'retry-after', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
      },
    ],
    [
      'a throwing Headers.get',
      {
        headers: {
          get() {
            throw new Error('get');
          },
        },
      },
    ],
    [
      'a proxy that throws on every operation',
      {
        headers: new Proxy(
          {},
          {
            get() {
              throw new Error('proxy');
            },
            ownKeys() {
              throw new Error('proxy');
            },
          },
        ),
      },
    ],
  ])('returns undefined for %s', (_what, source) => {
    expect(() => readRetryAfter(source, now)).not.toThrow();
    expect(readRetryAfter(source, now)).toBeUndefined();
  });
});

describe('a header sent twice', () => {
  // fetch's Headers.get and ensureOk join repeated headers with ", ".
  it.each([
    ['retry-after', '5, 5', 5000],
    ['retry-after', '2, 7', 2000],
    ['retry-after-ms', '250, 250', 250],
    ['x-amz-retry-after', '1500, 1500', 1500],
    ['retry-after', '1.25, 2', 1250],
    ['retry-after', '5 , 6', 5000],
  ])('reads the first of %s: %s', (name, value, expected) => {
    expect(readRetryAfter({ headers: { [name]: value } }, 0)).toBe(expected);
  });

  it('does not read a list whose first item is not a number', () => {
    expect(readRetryAfter({ headers: { 'retry-after': 'in 5, or 10' } }, 0)).toBeUndefined();
  });

  it('still reads an HTTP-date, whose comma follows the day name', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(
      readRetryAfter({ headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' } }, now),
    ).toBe(5000);
  });
});

describe('headers that are missing or not objects are passed over', () => {
  it.each<[string, object, number]>([
    ['null own headers', { headers: null, response: { headers: { 'retry-after': '3' } } }, 3000],
    ['a null response', { response: null, $response: { headers: { 'retry-after': '2' } } }, 2000],
    [
      'a response without headers',
      { response: { status: 429 }, $response: { headers: { 'retry-after': '2' } } },
      2000,
    ],
    [
      'a response with null headers',
      { response: { headers: null }, $response: { headers: { 'retry-after': '2' } } },
      2000,
    ],
  ])('%s: the next place is read', (_what, source, expected) => {
    expect(readRetryAfter(source, now)).toBe(expected);
  });
});

describe('header names in a plain object', () => {
  it('prefers the exact lower-case name to another spelling of it', () => {
    expect(readRetryAfter({ headers: { 'Retry-After': '9', 'retry-after': '1' } }, now)).toBe(1000);
  });

  it('ignores an inherited name: a plain header bag is read by its own keys only (issue 11.4)', () => {
    const headers: object = Object.create({ 'retry-after': '4' });
    expect(readRetryAfter({ headers }, now)).toBeUndefined();
    expect(readRetryAfter({ headers: Object.assign(headers, { 'retry-after': '5' }) }, now)).toBe(
      5000,
    );
  });
});

describe('an HTTP-date header sent twice', () => {
  // Joined with ", " as fetch's Headers.get and ensureOk join it: the first date is the wait, as
  // the first number is for a repeated number of seconds.
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it.each([
    ['IMF-fixdate', 'Wed, 21 Oct 2015 07:28:05 GMT, Wed, 21 Oct 2015 07:28:09 GMT', 5000],
    ['RFC 850', 'Wednesday, 21-Oct-15 07:28:05 GMT, Wednesday, 21-Oct-15 07:28:09 GMT', 5000],
    ['asctime', 'Wed Oct 21 07:28:05 2015, Wed Oct 21 07:28:09 2015', 5000],
    ['a date, then seconds', 'Wed, 21 Oct 2015 07:28:05 GMT, 9', 5000],
  ])('reads the first of a repeated %s', (_form, value, expected) => {
    expect(readRetryAfter({ headers: { 'retry-after': value } }, now)).toBe(expected);
  });

  it('does not read a list whose first item is not a date', () => {
    expect(
      readRetryAfter(
        { headers: { 'retry-after': 'Wed, soon, Wed, 21 Oct 2015 07:28:05 GMT' } },
        now,
      ),
    ).toBeUndefined();
  });
});
