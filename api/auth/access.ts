import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { RequestHandler } from 'express';
import { Problem } from '../schemas';
import { admittedRoles, type StaffRole } from './caller';
import { loopbackOrElse, requireOrderAccess, requireStaff } from './guards';

/** Who may call a route: every `defineRoute` says so, and the OpenAPI document shows it. */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'staff'; roles: StaffRole[]; allowQueryToken?: boolean; loopbackWithoutToken?: boolean }
  | { kind: 'order'; staffRoles: StaffRole[]; allowQueryToken?: boolean };

export const publicAccess: RouteAccess = { kind: 'public' };
export const staffAccess = (
  roles: StaffRole[],
  options: { allowQueryToken?: boolean; loopbackWithoutToken?: boolean } = {},
): RouteAccess => ({
  kind: 'staff',
  roles,
  ...options,
});
export const orderAccess = (
  staffRoles: StaffRole[],
  options: { allowQueryToken?: boolean } = {},
): RouteAccess => ({
  kind: 'order',
  staffRoles,
  ...options,
});

export function guardFor(access: RouteAccess): RequestHandler | undefined {
  switch (access.kind) {
    case 'public':
      return undefined;
    case 'staff': {
      const staff = requireStaff(access.roles, { allowQueryToken: access.allowQueryToken ?? false });
      return access.loopbackWithoutToken ? loopbackOrElse(staff) : staff;
    }
    case 'order':
      return requireOrderAccess(access);
    default:
      return access satisfies never;
  }
}

/** OpenAPI security requirements; for a bearer scheme the list names the roles admitted. */
export function securityOf(access: RouteAccess): Record<string, string[]>[] {
  switch (access.kind) {
    case 'public':
      return [];
    case 'staff':
      return [{ staffJwt: admittedRoles(access.roles) }];
    case 'order':
      return [{ orderToken: [] }, { staffJwt: admittedRoles(access.staffRoles) }];
    default:
      return access satisfies never;
  }
}

const problem = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The answers every guarded route may give besides its own. */
export function accessResponses(access: RouteAccess): Record<number, ResponseConfig> {
  if (access.kind === 'public') return {};
  const query = access.allowQueryToken ? ' (or `?access_token=`)' : '';
  const loopback =
    access.kind === 'staff' && access.loopbackWithoutToken ? '; callers on this machine need none' : '';
  const responses: Record<number, ResponseConfig> = {
    401: problem(
      `no credential${query}, or an invalid or expired one (\`WWW-Authenticate: Bearer\`)${loopback}`,
    ),
    403: problem('the credential is valid but does not carry the right'),
    429: problem('too many failed sign-ins from this client (`Retry-After`)'),
  };
  if (access.kind === 'order') responses[404] = problem("no such order, or another order's token");
  return responses;
}

export function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'orderToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The `orderToken` from POST /orders' 202: reads, follows and cancels that one order. " +
      'Stream routes also accept it as `?access_token=` (EventSource cannot set headers).',
  });
  registry.registerComponent('securitySchemes', 'staffJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A staff JWT from the identity provider (or `npm start`), with `roles`: `barista` (queue, orders, ' +
      'pickup, cancel, board) or `manager` (all a barista may, plus sales and metrics).',
  });
}
