"""Plant data import and export in the exchange format of docs/import/ (CSV folder or .xlsx workbook)."""

from domain.plant_data.cells import Row
from domain.plant_data.data import KnownCodes, PlantData
from domain.plant_data.exporter import export_plant, number
from domain.plant_data.importer import STEPS, ImportReport, import_plant
from domain.plant_data.problems import PlantDataRefused, Problems
from domain.plant_data.records import check_rows, write_records
from domain.plant_data.write_links import HOLIDAY, upsert_calendar_days

__all__ = ["HOLIDAY", "STEPS", "ImportReport", "KnownCodes", "PlantData", "PlantDataRefused", "Problems", "Row",
           "check_rows", "export_plant", "import_plant", "number", "upsert_calendar_days", "write_records"]
