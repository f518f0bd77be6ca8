import { type ChildProcess, spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: tsx is resolved from here, and the CLI runs from its sources. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');

/** Every variable Switchyard reads; a developer's shell must not leak them into a test's process. */
const SWITCHYARD_VARIABLES = /^(PORT|HOST|DATABASE_URL|LOG_LEVEL|SWITCHYARD_.*)$/;

/**
 * The environment of a spawned CLI or server: this process's environment without any Switchyard
 * variable, then `env` (usually a test store's `env` plus what the test is about).
 */
export function cliEnv(env: Record<string, string>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !SWITCHYARD_VARIABLES.test(name)) inherited[name] = value;
  }
  return { ...inherited, LOG_LEVEL: 'warn', ...env };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Children spawned by these helpers and not yet gone; `killAll()` ends them after a test. */
const running = new Set<ChildProcess>();
/** Resolves on `close` (not `exit`), so all of the child's output has been read by then. */
const closed = new WeakMap<ChildProcess, Promise<Exit>>();

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  closed.set(
    child,
    new Promise((resolve) =>
      child.once('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    ),
  );
  return child;
}

function whenClosed(child: ChildProcess): Promise<Exit> {
  const exit = closed.get(child);
  if (!exit) throw new Error('not a process spawned by test/helpers/process.ts');
  return exit;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { stdout: () => stdout, stderr: () => stderr };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `switchyard <args>` to completion, as `npx switchyard` would, with `cliEnv(env)`.
 *
 * @example await runCli(['teams', 'create', 'acme', '--json'], storeEnv.env)
 */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<CliResult> {
  const child = spawnCli(args, env);
  const output = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await whenClosed(child);
  clearTimeout(timer);
  if (signal !== null) throw new Error(`switchyard ${args.join(' ')} was killed (${signal}); stderr:\n${output.stderr()}`);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

/** `runCli` for a command that must succeed with `--json`: its parsed stdout. */
export async function runCliJson<T = unknown>(args: string[], env: Record<string, string>): Promise<T> {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`switchyard ${args.join(' ')} exited ${result.code}; stderr:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A port nobody listens on right now (the OS picks it; we close and hand out the number). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout matches `pattern` (output can trail /health by a tick), or fails after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (SIGTERM = graceful stop) and waits until the process and its output are gone. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Polls `GET <url>/health` until it answers 200. Gives up after `timeoutMs`, or at once when
 * `child` exits (its stderr says why).
 */
export async function waitForHealth(url: string, child?: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before /health answered`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/health did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Spawns `switchyard start` on 127.0.0.1 and a free port with `cliEnv(env)`, and waits until
 * /health answers. A port taken between `freePort()` and the bind is retried with another one.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnCli(['start'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
    const output = collect(child);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(url, child);
    } catch (error) {
      await stopProcess(child, 'SIGKILL');
      if (attempt < 3 && output.stderr().includes('EADDRINUSE')) continue;
      throw new Error(`switchyard start failed: ${(error as Error).message}\nstdout:\n${output.stdout()}\nstderr:\n${output.stderr()}`, {
        cause: error,
      });
    }
    return {
      url,
      port,
      child,
      stdout: output.stdout,
      stderr: output.stderr,
      waitForStdout: (pattern, timeoutMs = 5_000) => waitForOutput(output.stdout, pattern, timeoutMs),
      stop: (signal = 'SIGTERM') => stopProcess(child, signal),
    };
  }
}

async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no output matched ${pattern} within ${timeoutMs} ms; got:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `signal` unless the process is already gone, then waits for it to close. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  const closed = whenClosed(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return closed;
}

/** Kills every child these helpers spawned that is still running (for afterEach/afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child, 'SIGKILL')));
}

/** `fetch` with an optional API key and JSON body; the body comes back parsed when it is JSON. */
export async function call<T = unknown>(
  url: string,
  method: string,
  options: { key?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T };
}

export interface WorkerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<Exit>;
}

/** `switchyard worker` on the store `env` points at; resolves once it logged that it runs. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<WorkerProcess> {
  const child = spawnCli(['worker'], { LOG_LEVEL: 'info', ...env });
  const output = collect(child);
  const deadline = Date.now() + timeoutMs;
  while (!output.stdout().includes('Switchyard worker running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopProcess(child, 'SIGKILL');
      throw new Error(`switchyard worker did not start:\nstdout:\n${output.stdout()}\nstderr:\n${output.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, stdout: output.stdout, stderr: output.stderr, stop: (signal = 'SIGTERM') => stopProcess(child, signal) };
}
