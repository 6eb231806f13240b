import { classifySendError, parseRetryAfter } from '../../bot/src/integrations/bot-connector-delivery';
import { backoffMs, errorCode } from '../../bot/src/store/polling-loop';

describe('Retry-After', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');

  it.each([
    ['2', 2_000],
    [' 0 ', 0],
    ['1.5', 1_500],
    ['Mon, 02 Mar 2026 10:00:07 GMT', 7_000],
    ['Mon, 02 Mar 2026 09:59:00 GMT', 0],
  ])('reads %p as %p ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([undefined, null, '', 'soon', '-3'])('ignores %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('what a Bot Connector error means for a card', () => {
  const restError = (statusCode: number, headers: Record<string, string> = {}) => ({
    name: 'RestError',
    statusCode,
    response: { headers: { get: (name: string) => headers[name] } },
  });

  it.each([412, 429, 502, 503, 504])('%p: send again, after Retry-After when given', (status) => {
    expect(classifySendError(restError(status, { 'retry-after': '3' }))).toEqual({
      kind: 'retry',
      code: `HTTP_${status}`,
      statusCode: status,
      retryAfterMs: 3_000,
    });
    expect(classifySendError(restError(status))).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
  });

  it.each([403, 404])('%p: the conversation is unreachable', (status) => {
    expect(classifySendError(restError(status))).toEqual({
      kind: 'unreachable',
      code: `HTTP_${status}`,
      statusCode: status,
    });
  });

  it.each([400, 401, 413, 500])('%p: refused for good', (status) => {
    expect(classifySendError(restError(status))).toMatchObject({ kind: 'rejected', statusCode: status });
  });

  it('retries a connection that failed, by its code', () => {
    expect(classifySendError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({
      kind: 'retry',
      code: 'ECONNRESET',
    });
  });
});

describe('backoff and error codes', () => {
  it('grows exponentially between half and all of the step, and stops at the bound', () => {
    expect(backoffMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(backoffMs(4, 1_000, 60_000, () => 1)).toBe(8_000);
    expect(backoffMs(20, 1_000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(20, 1_000, 60_000, () => 0)).toBe(30_000);
  });

  it('records a code, never a message', () => {
    expect(errorCode(Object.assign(new Error('Anna typed this'), { code: 'FLAKY' }))).toBe('FLAKY');
    expect(errorCode(new TypeError('Anna typed this'))).toBe('TypeError');
    expect(errorCode(Object.assign(new Error('x'), { name: 'MongoServerError', code: 11000 }))).toBe(
      'MongoServerError:11000',
    );
    expect(errorCode('a string')).toBe('UNKNOWN');
  });
});
