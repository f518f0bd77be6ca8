import { createContext, useContext } from 'react';

export interface Session {
  team: { id: string; name: string; domain: string | null; createdAt: string; updatedAt: string };
  key: { id: string; name: string; scope: 'admin' | 'read' };
}

export const SessionContext = createContext<{ session: Session; signOut: () => void; refresh: () => void } | null>(null);

/** The signed-in team and key (from GET /v1/team). */
export function useSession() {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in app');
  return value;
}
