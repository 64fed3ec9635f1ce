"""a partial index on order lines that hold finished units (made or taken from stock, not all shipped), by product

What open orders hold of a product is read twice per createOrder (the decision's product reads and the recount
under the products' lock); it summed every line ever ordered of the product (60-80 on the medium demo plant, about
1.5 % of them holding units) and was most of PostgreSQL's CPU per create.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDING = "quantity_made + quantity_from_stock - quantity_shipped <> 0"  # domain/models/orders.py HOLDING, as it was


def upgrade() -> None:
    op.create_index("ix_order_lines_product_holding", "order_lines", ["product_id"],
                    postgresql_where=sa.text(HOLDING), sqlite_where=sa.text(HOLDING))
    if op.get_bind().dialect.name == "postgresql":
        # Without statistics on quantity_ready the planner takes "<> 0" to keep 99.5 % of the lines, and on a small
        # plant reads every line of the product by ix_order_lines_product instead (seen on the small demo plant);
        # with them it knows how few lines hold units. ANALYZE (autovacuum, load_demo) fills them.
        op.execute("CREATE STATISTICS st_order_lines_ready"
                   " ON ((quantity_made + quantity_from_stock - quantity_shipped)) FROM order_lines")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS st_order_lines_ready")
    op.drop_index("ix_order_lines_product_holding", table_name="order_lines")
