import type { FastifyInstance } from 'fastify';

/** One registered route: the method(s) and the URL pattern as Fastify knows it (`/v1/connections/:_id`). */
export interface RouteEntry {
  methods: string[];
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on the app, hidden ones included (the HTTP fuzzer walks it). */
    routeTable: RouteEntry[];
  }
}

/** Records every route the app registers from now on. Call before registering routes. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    table.push({ methods: [route.method].flat().map(String), url: route.url });
  });
}
