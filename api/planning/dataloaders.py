"""Per-request DataLoaders of planning: a page of plans reads its approvals in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.core.context import Context
from domain.models import PlanApproval
from domain.planning import plan_reads


class PlanLoaders:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.approvals = DataLoader(self._approvals)

    async def _approvals(self, ids: Sequence[int]) -> list[list[PlanApproval]]:
        async with self.context.db() as session:
            rows = await plan_reads.approvals_by_plan(session, ids)
        return [rows[i] for i in ids]
