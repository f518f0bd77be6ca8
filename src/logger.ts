import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * The process logger. Credentials never reach it: Authorization headers are redacted by path,
 * and connection documents are never logged whole (see docs/security.md).
 */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.password', '*.bearerToken', '*.token'],
      censor: '******',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
