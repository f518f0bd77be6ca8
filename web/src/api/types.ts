/** Wire types of the endpoints the console calls (see docs/api/*.md and /openapi.json). */

export interface CredentialField {
  name: string;
  label?: string;
  type?: 'text' | 'password' | 'single_select';
  required?: boolean;
  default?: unknown;
  help_text?: string;
  options?: (string | { label: string; value: string })[];
}

export type CredentialsFormat =
  | { format: 'api_key'; config: { fields: CredentialField[] } }
  | { format: 'oauth2' | 'oauth2_client_credentials'; config: Record<string, unknown> };

export interface ResourceMethod {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  description?: string;
  response_path?: string;
  pagination?: unknown;
  body?: unknown;
}

export interface IntegrationConfig {
  base_url: string;
  label?: string;
  docs_url?: string;
  credentials?: CredentialsFormat | Record<string, CredentialsFormat>;
  resources?: Record<string, Record<string, ResourceMethod>>;
  [key: string]: unknown;
}

export interface Integration {
  id: string;
  name: string;
  category: string;
  is_beta: boolean;
  config: IntegrationConfig;
  team_id: string;
  sharing: 'allow' | 'ask' | 'deny';
  created_at: string;
  updated_at: string;
  version: number;
  from_catalog: string | null;
}

export interface CatalogItem {
  name: string;
  category: string;
  description: string;
  docs_url?: string;
  is_beta: boolean;
  label?: string;
  credentials: string[];
  resources: string[];
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: 'admin' | 'read';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The credentials formats of a config as a list (one, or several keyed by format). */
export function credentialFormats(config: IntegrationConfig): CredentialsFormat[] {
  const credentials = config.credentials;
  if (!credentials) return [];
  if ('format' in credentials && typeof credentials.format === 'string') return [credentials as CredentialsFormat];
  return Object.values(credentials as Record<string, CredentialsFormat>);
}

export interface Connection {
  _id: string;
  type: 'rest' | 'http' | 'integration';
  name: string;
  lastModified: string;
  createdAt: string;
  rest?: Record<string, unknown>;
  http?: Record<string, unknown>;
  _integrationId?: string;
  credentialsFormat?: string;
  credentials?: Record<string, string | number | boolean>;
  context?: Record<string, unknown>;
  debugDate?: string;
  offline: boolean;
  queues: { name: string; size: number }[];
  /** The last ping: when, whether the API answered, its error code otherwise. */
  lastPing?: { at: string; ok: boolean; code: string | null } | null;
}

export interface AuditEntry {
  _id: string;
  resourceType: string;
  _resourceId: string;
  source: 'api' | 'ui' | 'cli';
  fieldChanges: { fieldPath: string; oldValue: unknown; newValue: unknown }[];
  event: 'create' | 'update' | 'delete';
  time: string;
  byUser: { _id: string | null; name: string | null };
}

export interface DebugEntry {
  _id: string;
  _resourceId: string | null;
  time: string;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  request: { headers: Record<string, string>; body: string | null };
  response: { headers: Record<string, string> | null; body: string | null } | null;
  error: string | null;
}

export interface Dependent {
  id: string;
  name: string;
  paths: string[];
  accessLevel: string;
}

export interface Dependencies {
  exports: Dependent[];
  imports: Dependent[];
  flows: Dependent[];
  integrations: Dependent[];
}
