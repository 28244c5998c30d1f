import {
  defaultResponses,
  type BedrockOperation,
  type ScriptedResponse,
} from './bedrock-responses';

/** A script entry applies to one operation or, with `'any'`, to all four. */
export type ScriptTarget = BedrockOperation | 'any';

/**
 * Decides the response to each request. Order of precedence: the operation's queue, the `'any'` queue,
 * the operation's default, the `'any'` default, then the built-in success for the operation.
 * Queued responses are used once each; defaults answer every time.
 */
export class ResponseScript {
  readonly #queues = new Map<ScriptTarget, ScriptedResponse[]>();
  readonly #defaults = new Map<ScriptTarget, ScriptedResponse>();

  enqueue(target: ScriptTarget, responses: readonly ScriptedResponse[]): void {
    const queue = this.#queues.get(target) ?? [];
    queue.push(...responses);
    this.#queues.set(target, queue);
  }

  setDefault(target: ScriptTarget, response: ScriptedResponse): void {
    this.#defaults.set(target, response);
  }

  next(operation: BedrockOperation): ScriptedResponse {
    return (
      this.#queues.get(operation)?.shift() ??
      this.#queues.get('any')?.shift() ??
      this.#defaults.get(operation) ??
      this.#defaults.get('any') ??
      defaultResponses[operation]
    );
  }

  reset(): void {
    this.#queues.clear();
    this.#defaults.clear();
  }
}
