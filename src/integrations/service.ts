import type { Kysely } from 'kysely';
import { getTeam } from '../auth/teams.js';
import { type SecretPatterns, maskSecrets, mergeSecrets, resolveMaskedSecrets, splitSecrets } from '../connections/secrets.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { fail, type ErrorDetail } from '../errors.js';
import { newUuid } from '../ids.js';
import type { Database } from '../store/schema.js';
import { mergePatch } from '../util/merge-patch.js';
import { compileChecker, createAjv } from '../validation.js';
import type { CatalogEntry } from './catalog.js';
import { IntegrationConfig } from './definition.js';
import { lintConfig } from './lint.js';
import { IntegrationRepository, type Sharing, type StoredIntegration } from './repository.js';

/** Secrets inside a definition: OAuth app secrets (one format or a map of them) and the webhook secret. */
export const INTEGRATION_SECRET_POINTERS: SecretPatterns = [
  '/credentials/config/client/secret',
  '/credentials/*/config/client/secret',
  '/webhook/signature_verification/config/secret',
];

/** The wire shape of seed 002 (snake_case). */
export interface IntegrationWire {
  id: string;
  name: string;
  category: string;
  is_beta: boolean;
  config: IntegrationConfig;
  team_id: string;
  sharing: Sharing;
  created_at: string;
  updated_at: string;
  installed_environment: string[];
  team: TeamWire;
  version: number;
  from_catalog: string | null;
}

export interface TeamWire {
  id: string;
  name: string;
  domain: string | null;
  logo: string | null;
  is_verified: boolean;
  is_white_label: boolean;
  tos_link: string | null;
  allow_impersonation: boolean;
  created_at: string;
  updated_at: string;
}

export interface CreateIntegrationInput {
  name?: string;
  category?: string;
  config?: unknown;
  is_beta?: boolean;
  sharing?: Sharing;
  from_catalog?: string;
}

export interface PatchIntegrationInput {
  name?: string;
  category?: string;
  config?: unknown;
  is_beta?: boolean;
  sharing?: Sharing;
  version?: number;
}

const checkConfig = compileChecker<IntegrationConfig>(createAjv('strict'), IntegrationConfig);

function describe(details: ErrorDetail[]): string {
  const first = details[0];
  return first ? `${first.field} ${first.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}.` : 'see details.';
}

/** Integrations (declarative definitions) of a team; the catalogue is the shipped starting point. */
export class IntegrationService {
  readonly repo: IntegrationRepository;

  constructor(
    private readonly deps: { db: Kysely<Database>; box: SecretBox; catalog: Map<string, CatalogEntry>; now?: () => Date },
  ) {
    this.repo = new IntegrationRepository(deps.db, deps.box);
  }

  #now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** Validates a config; details name the JSON path under `config`. */
  validateConfig(config: unknown): IntegrationConfig {
    const checked = checkConfig(config);
    if (!checked.ok) {
      const details = checked.details.map((d) => ({ ...d, field: d.field === 'body' ? 'config' : `config.${d.field}` }));
      throw fail('VALIDATION_FAILED', `Invalid integration config: ${describe(details)}`, details);
    }
    const lint = lintConfig(checked.value);
    if (lint.length > 0) throw fail('VALIDATION_FAILED', `Invalid integration config: ${describe(lint)}`, lint);
    return checked.value;
  }

  async toWire(integration: StoredIntegration): Promise<IntegrationWire> {
    const team = await getTeam(this.deps.db, integration.teamId);
    return {
      id: integration.id,
      name: integration.name,
      category: integration.category,
      is_beta: integration.isBeta,
      config: maskSecrets(integration.config, integration.secrets),
      team_id: integration.teamId,
      sharing: integration.sharing,
      created_at: integration.createdAt,
      updated_at: integration.updatedAt,
      // One environment per team in Switchyard: its id is the team id, and a team's integrations are installed there.
      installed_environment: [integration.teamId],
      team: {
        id: integration.teamId,
        name: team?.name ?? '',
        domain: team?.domain ?? null,
        logo: null,
        is_verified: false,
        is_white_label: false,
        tos_link: null,
        allow_impersonation: false,
        created_at: team?.createdAt ?? integration.createdAt,
        updated_at: team?.updatedAt ?? integration.createdAt,
      },
      version: integration.version,
      from_catalog: integration.fromCatalog,
    };
  }

  async get(teamId: string, id: string): Promise<StoredIntegration> {
    const found = await this.repo.get(teamId, id);
    if (!found) throw fail('INTEGRATION_NOT_FOUND', `No integration with id "${id}".`);
    return found;
  }

  /** The full config (secrets merged) for the engine; never for responses. */
  fullConfig(integration: StoredIntegration): IntegrationConfig {
    return mergeSecrets(integration.config, integration.secrets);
  }

  list(teamId: string, options: { after?: string; limit: number; category?: string }): Promise<StoredIntegration[]> {
    return this.repo.list(teamId, options);
  }

  catalogEntry(name: string): CatalogEntry {
    const entry = this.deps.catalog.get(name);
    if (!entry) throw fail('CATALOG_ENTRY_NOT_FOUND', `No catalogue entry named "${name}"; GET /v1/catalog lists the ${this.deps.catalog.size} shipped apps.`);
    return entry;
  }

  catalog(): CatalogEntry[] {
    return [...this.deps.catalog.values()];
  }

  async create(teamId: string, input: CreateIntegrationInput): Promise<StoredIntegration> {
    const entry = input.from_catalog === undefined ? undefined : this.catalogEntry(input.from_catalog);
    const name = input.name ?? entry?.name;
    const category = input.category ?? entry?.category;
    const rawConfig = input.config === undefined ? entry?.config : entry ? mergePatch(entry.config, input.config) : input.config;
    const missing: ErrorDetail[] = [];
    if (!name) missing.push({ field: 'name', message: 'is required (or give from_catalog)' });
    if (!category) missing.push({ field: 'category', message: 'is required (or give from_catalog)' });
    if (rawConfig === undefined) missing.push({ field: 'config', message: 'is required (or give from_catalog)' });
    if (missing.length > 0 || !name || !category) throw fail('VALIDATION_FAILED', `Invalid integration: ${describe(missing)}`, missing);
    const config = this.validateConfig(rawConfig);
    const { doc: resolved, errors } = resolveMaskedSecrets(INTEGRATION_SECRET_POINTERS, config, {});
    if (errors.length > 0) throw fail('MASKED_SECRET_ON_CREATE', undefined, errors.map((e) => ({ ...e, field: `config.${e.field}` })));
    if (await this.repo.findByName(teamId, name)) throw fail('INTEGRATION_NAME_TAKEN', `Your team already has an integration named "${name}".`);
    const { publicDoc, secrets } = splitSecrets(INTEGRATION_SECRET_POINTERS, resolved);
    const now = this.#now();
    const integration: StoredIntegration = {
      id: newUuid(),
      teamId,
      name,
      category,
      isBeta: input.is_beta ?? entry?.is_beta ?? false,
      sharing: input.sharing ?? 'allow',
      config: publicDoc,
      secrets,
      fromCatalog: entry?.name ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.repo.insert(integration);
    } catch (error) {
      if (await this.repo.findByName(teamId, name)) throw fail('INTEGRATION_NAME_TAKEN', `Your team already has an integration named "${name}".`);
      throw error;
    }
    return integration;
  }

  /** Deep-merges `config` (RFC 7396), replaces the other given fields; a stale `version` is a 409. */
  async patch(teamId: string, id: string, input: PatchIntegrationInput): Promise<StoredIntegration> {
    const current = await this.get(teamId, id);
    if (input.version !== undefined && input.version !== current.version) {
      throw fail('INTEGRATION_VERSION_CONFLICT', `The integration is at version ${current.version}, you sent ${input.version}; GET it again and retry.`, [
        { field: 'version', message: `is ${current.version} now` },
      ]);
    }
    let config = current.config;
    let secrets = current.secrets;
    if (input.config !== undefined) {
      const masked = maskSecrets(current.config, current.secrets);
      const merged = this.validateConfig(mergePatch(masked, input.config));
      const { doc: resolved, errors } = resolveMaskedSecrets(INTEGRATION_SECRET_POINTERS, merged, current.secrets);
      if (errors.length > 0) throw fail('VALIDATION_FAILED', `Invalid integration config: ${describe(errors)}`, errors.map((e) => ({ ...e, field: `config.${e.field}` })));
      ({ publicDoc: config, secrets } = splitSecrets(INTEGRATION_SECRET_POINTERS, resolved));
    }
    if (input.name !== undefined && input.name !== current.name && (await this.repo.findByName(teamId, input.name))) {
      throw fail('INTEGRATION_NAME_TAKEN', `Your team already has an integration named "${input.name}".`);
    }
    const next: StoredIntegration = {
      ...current,
      name: input.name ?? current.name,
      category: input.category ?? current.category,
      isBeta: input.is_beta ?? current.isBeta,
      sharing: input.sharing ?? current.sharing,
      config,
      secrets,
      version: current.version + 1,
      updatedAt: this.#now(),
    };
    if (!(await this.repo.update(next, current.version))) {
      throw fail('INTEGRATION_VERSION_CONFLICT', 'The integration was changed by another request at the same time; GET it again and retry.', [
        { field: 'version', message: 'changed concurrently' },
      ]);
    }
    return next;
  }

  async remove(teamId: string, id: string): Promise<void> {
    const integration = await this.get(teamId, id);
    const users = await this.repo.connectionsUsing(teamId, id);
    if (users.length > 0) {
      throw fail(
        'INTEGRATION_IN_USE',
        `Integration "${integration.name}" is used by ${users.length} connection(s): ${users.map((u) => `"${u.name}"`).join(', ')}. Delete them first.`,
        users.map((u) => ({ field: 'connections', message: `used by connection "${u.name}"`, _id: u.id })),
      );
    }
    await this.repo.delete(teamId, id);
  }
}
