/**
 * Typed errors with a stable `code`. Each edge (bot reply, invoke response, HTTP status) maps codes to
 * what people see; nothing branches on an error's message.
 */
export type DomainErrorCode = 'IDENTITY_MISSING' | 'INVALID_INPUT';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
