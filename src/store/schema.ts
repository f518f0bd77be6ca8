/**
 * Table types shared by both dialects. Columns are snake_case; timestamps are ISO-8601 UTC
 * strings (they sort correctly as text on SQLite and Postgres alike); JSON documents are text;
 * booleans are 0/1 integers. Rows become domain objects only in each noun's repository.
 */
export interface TeamsTable {
  id: string;
  name: string;
  domain: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  team_id: string;
  name: string;
  scope: 'admin' | 'read';
  /** SHA-256 of the key in hex; the key itself is never stored. */
  key_hash: string;
  /** First characters of the key, to recognise it in lists. */
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ConnectionsTable {
  id: string;
  team_id: string;
  type: string;
  name: string;
  /** The connection document without its secrets (JSON). */
  doc: string;
  /** AES-256-GCM sealed JSON map of JSON-pointer → secret value. */
  secrets: string | null;
  offline: number;
  debug_until: string | null;
  created_at: string;
  last_modified: string;
  /** For type "integration": the definition it uses. */
  integration_id: string | null;
  /** When the last ping ran, and its error code (null when it answered); written only by ping. */
  last_ping_at?: string | null;
  last_ping_code?: string | null;
}

export interface AuditEntriesTable {
  id: string;
  team_id: string;
  resource_type: string;
  resource_id: string;
  event: 'create' | 'update' | 'delete';
  source: 'api' | 'ui' | 'cli';
  /** JSON array of {fieldPath, oldValue, newValue}, secrets masked. */
  field_changes: string;
  by_key_id: string | null;
  by_key_name: string | null;
  time: string;
}

export interface DebugEntriesTable {
  id: string;
  team_id: string;
  connection_id: string;
  resource_id: string | null;
  time: string;
  method: string;
  url: string;
  status: number | null;
  duration_ms: number;
  request_headers: string;
  request_body: string | null;
  response_headers: string | null;
  response_body: string | null;
  error: string | null;
}

export interface IntegrationsTable {
  id: string;
  team_id: string;
  name: string;
  category: string;
  is_beta: number;
  sharing: 'allow' | 'ask' | 'deny';
  /** The IntegrationConfig (JSON) without its secrets. */
  config: string;
  /** AES-256-GCM sealed JSON map of JSON-pointer → secret (OAuth client secret, webhook secret). */
  secrets: string | null;
  from_catalog: string | null;
  /** Optimistic-lock counter: PATCH must send the current value. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConnectTokensTable {
  id: string;
  team_id: string;
  integration_id: string;
  name: string | null;
  /** JSON object of context values the connection gets. */
  context: string;
  redirect_url: string | null;
  expires_at: string;
  used_at: string | null;
  connection_id: string | null;
  created_at: string;
}

export interface OAuthStatesTable {
  state: string;
  team_id: string;
  connection_id: string;
  code_verifier: string | null;
  redirect_url: string | null;
  expires_at: string;
  created_at: string;
}

export interface WebhookEventsTable {
  id: string;
  team_id: string;
  connection_id: string;
  integration_id: string;
  received_at: string;
  /** JSON object of the request headers, signatures and credentials dropped. */
  headers: string;
  /** The raw body as UTF-8 text (at most 1 MiB). */
  body: string;
  event_type: string | null;
}

/** A saved export or import: the model as JSON, its connection, and run state (e.g. lastExportDateTime). */
export interface SavedModelTable {
  id: string;
  team_id: string;
  name: string;
  connection_id: string;
  doc: string;
  state: string;
  created_at: string;
  last_modified: string;
}

export interface FlowGroupsTable {
  id: string;
  team_id: string;
  name: string;
  doc: string;
  created_at: string;
  last_modified: string;
}

export interface FlowsTable {
  id: string;
  team_id: string;
  name: string;
  group_id: string | null;
  doc: string;
  schedule: string | null;
  timezone: string | null;
  disabled: number;
  next_run_at: string | null;
  created_at: string;
  last_modified: string;
}

export interface FlowStepsTable {
  flow_id: string;
  team_id: string;
  kind: 'export' | 'import';
  ref_id: string;
  path: string;
}

export interface FlowJobsTable {
  id: string;
  team_id: string;
  flow_id: string;
  trigger: 'manual' | 'schedule' | 'retry';
  status: 'queued' | 'running' | 'success' | 'partial' | 'failed' | 'cancelled';
  /** Incremented on every claim: writes of a run are fenced with it. */
  attempt: number;
  lease_until: string | null;
  worker: string | null;
  checkpoint: string;
  counts: string;
  error: string | null;
  retry_step: string | null;
  retry_keys: string | null;
  cancel_requested: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobErrorsTable {
  id: string;
  team_id: string;
  flow_id: string;
  step_id: string;
  job_id: string;
  occurred_at: string;
  source: string;
  code: string;
  message: string;
  classification: string;
  retry_data_key: string;
  record: string | null;
  resolved_at: string | null;
}

export interface JobRecordsTable {
  job_id: string;
  step_id: string;
  record_key: string;
  outcome: string;
}

export interface ExportSeenTable {
  export_id: string;
  record_id: string;
  seen_at: string;
}

export interface CustomAppsTable {
  id: string;
  team_id: string;
  name: string;
  category: string;
  url: string | null;
  description: string | null;
  created_at: string;
}

export interface AppAccountsTable {
  id: string;
  team_id: string;
  app_id: string;
  name: string;
  last_sync_time: string | null;
  last_sync_status: string | null;
  created_at: string;
}

export interface UploadsTable {
  /** The id inside the upload URL's signed token: one upload per token. */
  token_id: string;
  team_id: string;
  path: string;
  content_type: string;
  expires_at: string;
  used_at: string | null;
  size: number | null;
}

export interface FilesTable {
  /** Numeric id as text (the wire shows a number). */
  id: string;
  team_id: string;
  path: string;
  type: string;
  content_type: string;
  size: number;
  storage_key: string;
  created_at: string;
  /** CSV files: the column mapping as JSON (`{"email":"E-mail"}`); null otherwise. */
  columns: string | null;
}

export interface SyncsTable {
  id: string;
  team_id: string;
  app_account_id: string;
  file_id: string;
  status: 'running' | 'success' | 'partial' | 'failed';
  counts: string;
  row_errors: string;
  error: string | null;
  attempt: number;
  lease_until: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface InvUsersTable {
  app_account_id: string;
  email: string;
  team_id: string;
  original_email: string;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  status: string;
  external_status: string | null;
  roles: string;
  last_used_date: string | null;
  removed_at: string | null;
  seen_sync: string;
}

export interface InvLicensesTable {
  app_account_id: string;
  name: string;
  team_id: string;
  unassigned_amount: number | null;
  price_per_user: number | null;
  removed_at: string | null;
  seen_sync: string;
}

export interface InvLicenseUsersTable {
  app_account_id: string;
  license_name: string;
  email: string;
  license_status: string;
  seen_sync: string;
}

export interface SyncPendingLicenseUsersTable {
  sync_id: string;
  seq: number;
  license_index: number;
  license: string;
  row: number;
  raw: string;
}

export interface Database {
  syncs: SyncsTable;
  inv_users: InvUsersTable;
  inv_licenses: InvLicensesTable;
  inv_license_users: InvLicenseUsersTable;
  sync_pending_license_users: SyncPendingLicenseUsersTable;
  custom_apps: CustomAppsTable;
  app_accounts: AppAccountsTable;
  uploads: UploadsTable;
  files: FilesTable;
  export_seen: ExportSeenTable;
  flow_jobs: FlowJobsTable;
  job_errors: JobErrorsTable;
  job_records: JobRecordsTable;
  exports: SavedModelTable;
  imports: SavedModelTable;
  flow_groups: FlowGroupsTable;
  flows: FlowsTable;
  flow_steps: FlowStepsTable;
  connect_tokens: ConnectTokensTable;
  oauth_states: OAuthStatesTable;
  integrations: IntegrationsTable;
  teams: TeamsTable;
  api_keys: ApiKeysTable;
  connections: ConnectionsTable;
  audit_entries: AuditEntriesTable;
  debug_entries: DebugEntriesTable;
  webhook_events: WebhookEventsTable;
}
