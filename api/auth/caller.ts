/** Who is calling, as the guards decided: a customer holding one order's token, or a staff member. */

export const STAFF_ROLES = ['barista', 'manager'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type Caller =
  | { kind: 'customer'; orderId: string }
  | { kind: 'staff'; subject: string; roles: StaffRole[] };

/** A manager may do everything a barista may: a route that admits a role admits the roles above it. */
const ALSO_ADMITTED: Record<StaffRole, StaffRole[]> = { barista: ['manager'], manager: [] };

export const admittedRoles = (roles: readonly StaffRole[]): StaffRole[] => [
  ...new Set(roles.flatMap((role) => [role, ...ALSO_ADMITTED[role]])),
];

export const isStaffRole = (value: unknown): value is StaffRole =>
  typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);

declare global {
  namespace Express {
    interface Locals {
      /** Set by requireStaff / requireOrderAccess. */
      caller?: Caller;
    }
  }
}
