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
