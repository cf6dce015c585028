/** One error middleware shapes every error response: `{ code, message, messageEn, hint? }`. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError } from '@ggzy/shared';
import type { Logger } from 'pino';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(
      new AppError({
        code: 'ROUTE_NOT_FOUND',
        status: 404,
        zh: `接口不存在：${req.method} ${req.originalUrl}`,
        en: `No such endpoint: ${req.method} ${req.originalUrl}`,
      }),
    );
  };
}

/** The status and body of the answer to an error; unexpected ones (and server faults) are logged. */
export function errorReply(err: unknown, logger: Logger, path: string): { status: number; body: object } {
  if (isAppError(err)) {
    if (err.kind !== 'user') logger.error({ err, path }, err.message);
    return { status: err.status, body: err.toBody() };
  }
  const e = (err ?? {}) as { type?: string; status?: number; message?: string };
  if (e.type === 'request.aborted') {
    // The client went away mid-request; nobody reads this answer.
    return { status: 400, body: { code: 'REQUEST_ABORTED', message: '请求未发送完整', messageEn: 'The request was aborted before it was complete' } };
  }
  if (e.type === 'entity.parse.failed') {
    return { status: 400, body: { code: 'INVALID_JSON', message: '请求体不是有效的 JSON', messageEn: 'The request body is not valid JSON' } };
  }
  if (e.type === 'entity.too.large') {
    return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: '请求体过大', messageEn: 'The request body is too large' } };
  }
  if (e.type === 'charset.unsupported') {
    return { status: 415, body: { code: 'UNSUPPORTED_CHARSET', message: '不支持的字符集，请用 UTF-8', messageEn: 'Unsupported charset; use UTF-8' } };
  }
  if (e.type === 'encoding.unsupported') {
    return { status: 415, body: { code: 'UNSUPPORTED_ENCODING', message: '不支持的请求体编码', messageEn: 'Unsupported content encoding' } };
  }
  // Any other malformed request that the HTTP layer refused (a bad path escape, a wrong length…).
  const status = e.status ?? (err as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { code: 'BAD_REQUEST', message: '请求格式不正确', messageEn: 'Malformed request' } };
  }
  logger.error({ err, path }, 'unexpected error');
  return { status: 500, body: { code: 'INTERNAL_ERROR', message: '服务器内部错误，已记录', messageEn: 'Internal server error; it has been logged' } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    // The request's own logger carries its id.
    const { status, body } = errorReply(err, (req as { log?: Logger }).log ?? logger, req.path);
    res.status(status).json(body);
  };
}
