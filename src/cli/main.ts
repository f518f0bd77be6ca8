#!/usr/bin/env node
import { Command, Option } from 'commander';
import pino from 'pino';
import { createApiKey, listApiKeys, revokeApiKey, type Scope } from '../auth/api-keys.js';
import { createTeam, findTeam, listTeams } from '../auth/teams.js';
import { ConfigError, loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { type AppContext, openContext } from '../server/context.js';
import { startServer } from '../server/start.js';
import { version } from '../server/version.js';

/** Everything the CLI prints goes through here, so `--json` output stays machine-readable. */
function out(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');
}

/** Opens the same store a running server uses (same environment variables), runs `fn`, closes. */
async function withContext<T>(fn: (context: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const { context } = await openContext(config, logger, { bootstrap: false });
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

const program = new Command()
  .name('switchyard')
  .description('Switchyard: define an API, connect it, move its records, keep the inventory.')
  .version(version)
  .showHelpAfterError();

program
  .command('start')
  .description('Start the server (configured by PORT, HOST, SWITCHYARD_DATA_DIR, DATABASE_URL, ...; see README)')
  .action(async () => {
    const server = await startServer(loadConfig());
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.app.log.info({ signal }, 'shutting down');
      void server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

program
  .command('worker')
  .description('Run flows only (jobs and schedules), no HTTP: start several on any machines sharing one PostgreSQL')
  .option('--concurrency <n>', 'jobs at once', '2')
  .action(async (options: { concurrency: string }) => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const { context } = await openContext(config, logger, { bootstrap: false });
    const loop = context.jobLoop.withConcurrency(Math.max(1, Number(options.concurrency) || 2));
    loop.start();
    logger.info({ store: context.store.description, worker: loop.workerId }, 'Switchyard worker running');
    const stop = () => void loop.stop().then(() => context.close()).then(() => process.exit(0), () => process.exit(1));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const teams = program.command('teams').description('Manage teams');
teams
  .command('create <name>')
  .description('Create a team')
  .option('--domain <domain>', 'the team\'s domain')
  .option('--json', 'print JSON')
  .action(async (name: string, options: { domain?: string; json?: boolean }) => {
    const team = await withContext((c) => createTeam(c.store.db, name, options.domain ?? null));
    out(!!options.json, { id: team.id, name: team.name }, () => `Created team ${team.name} (${team.id})`);
  });
teams
  .command('list')
  .description('List teams')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const list = await withContext((c) => listTeams(c.store.db));
    out(!!options.json, list.map((t) => ({ id: t.id, name: t.name })), () => list.map((t) => `${t.id}  ${t.name}`).join('\n') || 'No teams.');
  });

const keys = program.command('keys').description('Manage API keys');
keys
  .command('create')
  .description('Create an API key (printed once)')
  .requiredOption('--team <team>', 'team name or id')
  .requiredOption('--name <label>', 'what the key is for')
  .addOption(new Option('--scope <scope>', 'admin may change things, read may only read').choices(['admin', 'read']).default('admin'))
  .option('--json', 'print JSON')
  .action(async (options: { team: string; name: string; scope: Scope; json?: boolean }) => {
    const result = await withContext(async (c) => {
      const team = await findTeam(c.store.db, options.team);
      return { team, created: await createApiKey(c.store.db, { teamId: team.id, name: options.name, scope: options.scope }) };
    });
    out(
      !!options.json,
      { id: result.created.apiKey.id, key: result.created.key, team: result.team.id, scope: result.created.apiKey.scope },
      () => `Created ${result.created.apiKey.scope} key "${result.created.apiKey.name}" for team ${result.team.name} (shown once):\n\n  ${result.created.key}\n`,
    );
  });
keys
  .command('list')
  .description('List API keys (never the keys themselves)')
  .option('--team <team>', 'only this team (name or id)')
  .option('--json', 'print JSON')
  .action(async (options: { team?: string; json?: boolean }) => {
    const list = await withContext(async (c) => {
      const teamId = options.team === undefined ? undefined : (await findTeam(c.store.db, options.team)).id;
      return listApiKeys(c.store.db, teamId);
    });
    out(
      !!options.json,
      list.map((k) => ({ id: k.id, name: k.name, team: k.teamId, scope: k.scope, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt })),
      () => list.map((k) => `${k.id}  ${k.prefix}…  ${k.scope.padEnd(5)}  ${k.revokedAt ? 'revoked' : 'active '}  ${k.name}`).join('\n') || 'No keys.',
    );
  });
keys
  .command('revoke <id>')
  .description('Revoke an API key; requests with it get 401 from then on')
  .option('--json', 'print JSON')
  .action(async (id: string, options: { json?: boolean }) => {
    const key = await withContext((c) => revokeApiKey(c.store.db, id));
    out(!!options.json, { id: key.id, revokedAt: key.revokedAt }, () => `Revoked key ${key.id} (${key.name}).`);
  });

const connections = program.command('connections').description('Inspect and test connections');
connections
  .command('list')
  .description('List a team\'s connections')
  .requiredOption('--team <team>', 'team name or id')
  .option('--json', 'print JSON')
  .action(async (options: { team: string; json?: boolean }) => {
    const list = await withContext(async (c) => {
      const team = await findTeam(c.store.db, options.team);
      return (await c.connections.list(team.id, { limit: 10_000 })).map((x) => c.connections.toWire(x));
    });
    out(!!options.json, list, () => list.map((x) => `${x._id}  ${x.type.padEnd(5)}  ${x.offline ? 'offline' : 'online '}  ${x.name}`).join('\n') || 'No connections.');
  });
connections
  .command('get <id>')
  .description('Show a connection (secrets masked)')
  .requiredOption('--team <team>', 'team name or id')
  .option('--json', 'print JSON')
  .action(async (id: string, options: { team: string; json?: boolean }) => {
    const wire = await withContext(async (c) => c.connections.toWire(await c.connections.get((await findTeam(c.store.db, options.team)).id, id)));
    out(!!options.json, wire, () => JSON.stringify(wire, null, 2));
  });
connections
  .command('ping <id>')
  .description('Test a connection with a real request')
  .requiredOption('--team <team>', 'team name or id')
  .option('--json', 'print JSON')
  .action(async (id: string, options: { team: string; json?: boolean }) => {
    const outcome = await withContext(async (c) => c.connections.ping((await findTeam(c.store.db, options.team)).id, id));
    if (outcome.ok) {
      out(!!options.json, { code: 200 }, () => 'OK: the connection answered.');
    } else {
      out(!!options.json, { errors: [{ code: outcome.code, message: outcome.message }] }, () => `FAILED (${outcome.code}): ${outcome.message}`);
      process.exitCode = 1;
    }
  });

const catalog = program.command('catalog').description('The shipped integration definitions');
catalog
  .command('list')
  .description('List the catalogue')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const entries = await withContext(async (c) => c.integrations.catalog());
    out(
      !!options.json,
      entries.map((e) => ({ name: e.name, category: e.category, description: e.description })),
      () => entries.map((e) => `${e.name.padEnd(18)} ${e.category.padEnd(14)} ${e.description}`).join('\n'),
    );
  });
catalog
  .command('install <name>')
  .description('Create the integration of a catalogue entry for a team (adjust it later with PATCH /integration/{id})')
  .requiredOption('--team <team>', 'team name or id')
  .option('--as <name>', 'name of the integration (default: the catalogue name)')
  .option('--json', 'print JSON')
  .action(async (name: string, options: { team: string; as?: string; json?: boolean }) => {
    const integration = await withContext(async (c) => {
      const team = await findTeam(c.store.db, options.team);
      return c.integrations.create(team.id, { from_catalog: name, ...(options.as ? { name: options.as } : {}) });
    });
    out(!!options.json, { id: integration.id, name: integration.name, from_catalog: integration.fromCatalog }, () => `Installed ${name} as integration "${integration.name}" (${integration.id}).`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof AppError) {
    process.stderr.write(`Error (${error.code}): ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.cause) process.stderr.write(`  cause: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}\n`);
  process.exit(1);
});
