import { HttpError, Retry, RetryDefaults } from '../../src';

// A decorated method remembers the policy of the last class it was called for
// (src/decorators/decorated-method.ts); calls that alternate between classes must each get their own.

describe('the policy of an inherited method, called for different classes in turn', () => {
  @RetryDefaults({ maxAttempts: 2, initialDelay: 0, maxDelay: 0 })
  class BaseClient {
    attempts = 0;

    @Retry()
    async fetchReport(): Promise<string> {
      this.attempts += 1;
      throw new HttpError(503);
    }
  }

  @RetryDefaults({ maxAttempts: 4 })
  class PatientClient extends BaseClient {}

  class PlainSubclient extends BaseClient {}

  it('follows each call’s own class, whatever the order of the calls', async () => {
    const clients = [
      new BaseClient(),
      new PatientClient(),
      new BaseClient(),
      new PlainSubclient(),
      new PatientClient(),
    ];
    for (const client of clients) {
      await expect(client.fetchReport()).rejects.toBeInstanceOf(HttpError);
    }
    expect(clients.map((client) => client.attempts)).toEqual([2, 4, 2, 2, 4]);
  });
});
