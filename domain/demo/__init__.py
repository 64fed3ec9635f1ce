"""The demo plant: a realistic, deterministic data set of any size, and loading it into the database."""

from domain.demo.generate import DEFAULT_SEED, generate_plant
from domain.demo.loader import LoadReport, database_is_empty, load_demo
from domain.demo.plant import DemoPlant
from domain.demo.sizes import SIZES, DemoSize, size_named

__all__ = ["DEFAULT_SEED", "SIZES", "DemoPlant", "DemoSize", "LoadReport", "database_is_empty", "generate_plant",
           "load_demo", "size_named"]
