"""The shop floor's side of the order lifecycle: progress, incidents, feedback, stock and material alerts, forecasts.

What other feature folders may use of it is exported here; its modules are its own."""

from domain.floor.ahead import AheadTask, work_ahead, work_ahead_for_line
from domain.floor.alerts import late_order_key, raise_alert_sync
from domain.floor.at_risk import move_first
from domain.floor.demand import OPEN_STATUSES
from domain.floor.floor_history import at_risk_event
from domain.floor.incidents import report_incident
from domain.floor.lateness import mark_late_sync
from domain.floor.materials import (
    material_alert_key,
    material_shortages,
    plan_material_needs,
    receipts_due,
    recheck_material_sync,
)
from domain.floor.progress import report_progress
from domain.floor.stock import check_products, check_safety_stock, safety_stock_key

__all__ = ["OPEN_STATUSES", "AheadTask", "at_risk_event", "check_products", "check_safety_stock", "late_order_key",
           "mark_late_sync", "material_alert_key", "material_shortages", "move_first", "plan_material_needs",
           "raise_alert_sync", "receipts_due", "recheck_material_sync", "report_incident", "report_progress",
           "safety_stock_key", "work_ahead", "work_ahead_for_line"]
