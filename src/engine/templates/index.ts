/**
 * `{{placeholder}}` templates of the integration format: `{{path:type|fallback:type|'literal'}}`.
 *
 * @example
 * const scope = { id: 'a/b', oauth: { token: { access_token: 't0k' } }, pagination: { page: 2 } };
 * renderPath('/users/{{id}}', scope);                          // { ok: true, value: '/users/a%2Fb' }
 * renderString('Bearer {{oauth.token.access_token}}', scope);  // { value: 'Bearer t0k', missing: [] }
 * renderValue({ page: '{{pagination.page}}', q: '{{query.q}}' }, scope); // { value: { page: 2 }, missing: ['query.q'] }
 * serializeQuery({ ids: [1, 2] }, 'repeat');                   // 'ids=1&ids=2'
 */
export {
  compilePlaceholder,
  type CompiledPlaceholder,
  PLACEHOLDER_TYPES,
  type PlaceholderType,
  resolvePath,
  type Scope,
  TemplateError,
  type TemplateErrorCode,
  toText,
} from './placeholder.js';
export { encodeRfc3986, type QueryArrayFormat, serializeQuery } from './query-string.js';
export { hasPlaceholders, listPlaceholders, renderPath, type RenderPathResult, type RenderResult, renderString, renderValue } from './render.js';
