import type { Db } from '../store/store.js';

/** Repair orders with what a spreadsheet of them needs: vehicle, customer, assignee. */
export interface OrderExportRow {
  number: string;
  state: string;
  created_at: number;
  booked_for: number | null;
  state_since: number;
  plate: string;
  vin: string;
  maker: string;
  model: string;
  energy: string;
  customer_name: string | null;
  odometer_km: number | null;
  hv_requirement: string | null;
  assignee_name: string | null;
  complaint: string;
}

/** The repair orders of `site`. */
export function ordersForExport(db: Db, site: number): Promise<OrderExportRow[]> {
  return db.all<OrderExportRow>(
    `SELECT r.number, r.state, r.created_at, r.booked_for, r.state_since, v.plate, v.vin, v.maker, v.model,
            v.energy, c.name AS customer_name, r.odometer_km, r.hv_requirement, u.name AS assignee_name,
            r.complaint
     FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id
     LEFT JOIN customers c ON c.id = r.customer_id LEFT JOIN users u ON u.id = r.assigned_to
     WHERE r.site_id = ?
     ORDER BY r.id`,
    [site],
  );
}
