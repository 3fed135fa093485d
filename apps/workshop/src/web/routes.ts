/**
 * Typed routes. Every area plugin registers its routes on `typed(scope)`: the JSON Schemas that
 * validate a request also give its TypeScript type (`@fastify/type-provider-json-schema-to-ts`), so
 * handlers read `req.body.complaint` without a cast, and what they return is checked against the
 * response schema that serialises it and feeds the OpenAPI document.
 *
 * `twin()` registers the two faces of one action: the HTML form (answered by a redirect or a page)
 * and the JSON API route (answered by JSON). Both run the same handler; only the presentation of
 * its result differs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import { apiErrors, pageErrors, pageResponses, seeOther } from './schemas.js';
import type { Access } from './types.js';

/** A Fastify scope whose routes are typed from their JSON Schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  JsonSchemaToTsProvider
>;

/** The request of a route whose schema is `S`: body, params and querystring typed from it. */
export type Req<S extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  IncomingMessage,
  S,
  JsonSchemaToTsProvider
>;

export const typed = (scope: FastifyInstance): App => scope.withTypeProvider<JsonSchemaToTsProvider>();

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TwinSpec<S extends FastifySchema, R> {
  access: Access;
  tags: string[];
  /** Request parts both faces share: params, querystring, body. */
  schema: S;
  /** The action, run once per request whichever face was asked. */
  handler: (req: Req<S>) => Promise<R>;
  /** The browser's face: a page (`render`) or a form answered by a redirect (`redirect`). */
  page: {
    method?: Method;
    url: string;
  } & (
    | { redirect: (result: R, req: Req<S>) => string; render?: never }
    | {
        render: (result: R, req: Req<S>, reply: FastifyReply) => Promise<FastifyReply> | FastifyReply;
        redirect?: never;
      }
  );
  /** The JSON face: its URL, status and response schema; `json` shapes the result (itself by default). */
  api: {
    method?: Method;
    url: string;
    status?: number;
    response: object;
    /** May set another status on `reply` (a 502 for an adapter problem). */
    json?: (result: R, req: Req<S>, reply: FastifyReply) => unknown | Promise<unknown>;
    /**
     * The API face takes no body (a form's body carries only its CSRF token, which an API client
     * sends as the `x-csrf-token` header).
     */
    noBody?: boolean;
  };
}

/** Registers one action under its page URL and its API URL. */
export function twin<const S extends FastifySchema, R>(app: App, method: Method, spec: TwinSpec<S, R>): void {
  const { page, api } = spec;
  // The handler is typed by `S` above; Fastify sees the same schema, so the request it passes
  // matches. Registering it through `route()` needs the untyped signature.
  const handler = (async (req: Req<S>, reply: FastifyReply) => {
    const result = await spec.handler(req);
    if (req.routeOptions.url === api.url) {
      reply.code(api.status ?? 200);
      return reply.send(api.json ? await api.json(result, req, reply) : result);
    }
    if (page.redirect) return reply.redirect(page.redirect(result, req), 303);
    return page.render(result, req, reply);
  }) as unknown as RouteHandlerMethod;
  const { body, ...shared } = spec.schema as FastifySchema & { body?: unknown };
  app.route({
    method: page.method ?? method,
    url: page.url,
    config: { access: spec.access },
    schema: {
      tags: spec.tags,
      ...spec.schema,
      response: page.redirect
        ? { 303: seeOther('the page that shows the result'), ...pageErrors }
        : pageResponses,
    },
    handler,
  });
  app.route({
    method: api.method ?? method,
    url: api.url,
    config: { access: spec.access },
    schema: {
      tags: spec.tags,
      ...shared,
      ...(body && !api.noBody ? { body } : {}),
      response: { [api.status ?? 200]: api.response, ...apiErrors },
    },
    handler,
  });
}
