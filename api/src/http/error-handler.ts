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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (isAppError(err)) {
      if (err.kind !== 'user') logger.error({ err, path: req.path }, err.message);
      res.status(err.status).json(err.toBody());
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ code: 'INVALID_JSON', message: '请求体不是有效的 JSON', messageEn: 'The request body is not valid JSON' });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ code: 'PAYLOAD_TOO_LARGE', message: '请求体过大', messageEn: 'The request body is too large' });
      return;
    }
    logger.error({ err, path: req.path }, 'unexpected error');
    res.status(500).json({ code: 'INTERNAL_ERROR', message: '服务器内部错误，已记录', messageEn: 'Internal server error; it has been logged' });
  };
}
