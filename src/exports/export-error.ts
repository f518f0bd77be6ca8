/**
 * Why an export run stopped with an error (an ordinary end of data is a return value, not this):
 * - EXPORT_REPEATED_CURSOR: the next page's request (token, URL, page…) was already sent: the API
 *   or the paging settings loop.
 * - EXPORT_FAILED: the API answered an error status, or a page's successPath / errorPath said so.
 * - EXPORT_RESPONSE_INVALID: a page is not JSON, or a paging value in it has the wrong type.
 * - EXPORT_UNSUPPORTED: a NetSuite/Salesforce/other adaptor, or a form this runner does not run.
 * - EXPORT_INVALID: the model cannot be rendered (malformed {{template}}, a relativeURI placeholder
 *   with no value, a paging method without the field it needs).
 */
export type ExportErrorCode = 'EXPORT_REPEATED_CURSOR' | 'EXPORT_FAILED' | 'EXPORT_RESPONSE_INVALID' | 'EXPORT_UNSUPPORTED' | 'EXPORT_INVALID';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    /** Safe to show: status, page index, the offending field. Never upstream secrets. */
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}
