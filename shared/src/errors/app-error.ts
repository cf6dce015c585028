/**
 * The error family shared by every package. A user error becomes a 4xx response with
 * `{ code, message, messageEn, hint }`; an operational error is a dependency that failed
 * (database down, cluster unreachable) and becomes a 503; anything else is a bug (500).
 */
export type ErrorKind = 'user' | 'operational' | 'unexpected';

export interface ErrorBody {
  /** Stable machine-readable code, e.g. `TASK_ALREADY_CLAIMED`. */
  code: string;
  /** Simplified Chinese message shown to the user first. */
  message: string;
  /** The same message in English. */
  messageEn: string;
  /** What the caller can do about it. */
  hint?: string;
  /** Field-level problems for form validation. */
  details?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code: string;
  readonly messageZh: string;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(opts: { kind?: ErrorKind; status?: number; code: string; zh: string; en: string; hint?: string; details?: unknown; cause?: unknown }) {
    super(opts.en, { cause: opts.cause });
    this.name = 'AppError';
    this.kind = opts.kind ?? 'user';
    this.status = opts.status ?? (this.kind === 'user' ? 400 : this.kind === 'operational' ? 503 : 500);
    this.code = opts.code;
    this.messageZh = opts.zh;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.messageZh,
      messageEn: this.message,
      ...(this.hint !== undefined && { hint: this.hint }),
      ...(this.details !== undefined && { details: this.details }),
    };
  }
}

/** A request the caller can fix (400 unless another 4xx is given). */
export function userError(code: string, zh: string, en: string, extra: { status?: number; hint?: string; details?: unknown } = {}): AppError {
  return new AppError({ kind: 'user', code, zh, en, ...extra });
}

export function notFound(what: string, whatZh: string, id: string): AppError {
  return userError('NOT_FOUND', `${whatZh}不存在：${id}`, `${what} not found: ${id}`, { status: 404 });
}

export function conflict(code: string, zh: string, en: string, hint?: string): AppError {
  return userError(code, zh, en, { status: 409, hint });
}

export function operationalError(code: string, zh: string, en: string, cause?: unknown): AppError {
  return new AppError({ kind: 'operational', code, zh, en, cause });
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
