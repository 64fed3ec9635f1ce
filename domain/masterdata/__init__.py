"""Master data through the API (issue 16 item 2): upsert and retire customers, products, materials, lines, bills,
routings, calendar days and safety stock, each change versioned in the audit log; checked and written by the
import's own path (domain/plant_data)."""

from domain.masterdata.audit import AUDIT_BY_ID, AuditFilter, audit_page, count_audit
from domain.masterdata.links import Part, Route, set_bill, set_calendar_day, set_routing
from domain.masterdata.races import with_race_retries
from domain.masterdata.records import MASTERS, Master, set_safety_stock, upsert_master
from domain.masterdata.retire import retire

__all__ = ["AUDIT_BY_ID", "MASTERS", "AuditFilter", "Master", "Part", "Route", "audit_page", "count_audit", "retire",
           "set_bill", "set_calendar_day", "set_routing", "set_safety_stock", "upsert_master", "with_race_retries"]
