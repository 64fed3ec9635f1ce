"""Purchasing (R9, R10): each material's projected balance under the plan in force, its shortages with order-by
dates, purchase suggestions, and the receipts purchasing records.

What other feature folders may use of it is exported here; its modules are its own."""

from domain.purchasing.projection import MaterialPosition, project_materials
from domain.purchasing.receipts import ReceiptInput, ReceiptOutcome, record_material_receipt

__all__ = ["MaterialPosition", "ReceiptInput", "ReceiptOutcome", "project_materials", "record_material_receipt"]
