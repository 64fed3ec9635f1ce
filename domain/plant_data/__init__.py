"""Plant data import and export in the exchange format of docs/import/ (CSV folder or .xlsx workbook)."""

from domain.plant_data.exporter import export_plant
from domain.plant_data.importer import STEPS, ImportReport, import_plant
from domain.plant_data.problems import PlantDataRefused

__all__ = ["STEPS", "ImportReport", "PlantDataRefused", "export_plant", "import_plant"]
