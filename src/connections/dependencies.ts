/** One resource that uses a connection, in seed 004's dependency shape. */
export interface Dependent {
  id: string;
  name: string;
  paths: string[];
  accessLevel: 'manage' | 'monitor';
  dependencyIds: Record<string, string[]>;
}

export interface Dependencies {
  exports: Dependent[];
  imports: Dependent[];
  flows: Dependent[];
  integrations: Dependent[];
}

/**
 * Later modules (exports, imports, flows) register a provider that lists what of theirs uses
 * a connection; delete refuses while any exports, imports or flows are listed.
 */
export type DependencyProvider = (teamId: string, connectionId: string) => Promise<Partial<Dependencies>>;

export function emptyDependencies(): Dependencies {
  return { exports: [], imports: [], flows: [], integrations: [] };
}

export function mergeDependencies(a: Dependencies, b: Partial<Dependencies>): Dependencies {
  return {
    exports: [...a.exports, ...(b.exports ?? [])],
    imports: [...a.imports, ...(b.imports ?? [])],
    flows: [...a.flows, ...(b.flows ?? [])],
    integrations: [...a.integrations, ...(b.integrations ?? [])],
  };
}
