import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { buildApp } from './app.js';
import { openContext } from './context.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the server as `npm start` does: store, migrations, first-start bootstrap, HTTP.
 * The first admin key, when generated, is printed once to stdout (not to the log).
 */
export async function startServer(config: Config, print: (line: string) => void = (line) => process.stdout.write(line + '\n')): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const { context, bootstrap } = await openContext(config, logger);
  if (bootstrap?.generatedKey) {
    print('');
    print('  First start: created team "default" and an admin API key (shown once, store it now):');
    print('');
    print(`    ${bootstrap.generatedKey}`);
    print('');
    print('  Create more with: npx switchyard keys create --team default --name <label>');
    print('');
  } else if (bootstrap) {
    logger.info({ team: bootstrap.team.name }, 'first start: created team "default" with the key from SWITCHYARD_BOOTSTRAP_KEY');
  }
  const app = await buildApp({ config, context, logger });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await context.close();
    throw error;
  }
  // This process also runs flows (jobs and schedules) unless it is an API-only process.
  if (config.runJobs) context.jobLoop.start();
  // Embedded store: one process, so a sync left running by a crash is resumed now.
  if (context.store.kind === 'sqlite') void context.syncs.resumeExpired({ all: true });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ store: context.store.description, publicUrl: config.publicUrl, docs: `${config.publicUrl}/docs` }, `Switchyard listening on port ${port}`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close: () => (closing ??= app.close().then(() => context.close())),
  };
}
