import type { Text } from '../i18n.js';

/** A refusal the user can act on; `text` says why in both languages, `field` names the input at fault. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly status: number = 400;
  constructor(
    readonly text: Text,
    readonly field?: string,
  ) {
    super(text.en);
  }
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  override readonly status = 400;
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  override readonly status = 404;
  constructor(entity: Text, id: number | string) {
    super({ fr: `${entity.fr} ${id} introuvable`, en: `${entity.en} ${id} not found` });
  }
}

/** The request is well formed but the current state forbids it (wrong transition, refused assignment). */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
  override readonly status = 409;
}

export class AssignmentRefused extends ConflictError {
  override name = 'AssignmentRefused';
}

/**
 * The user is known but may not see or use this (another apprentice's training session, a site
 * administrator acting on another site).
 */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  override readonly status = 403;
}
