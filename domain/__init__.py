"""The plant's entities, their persistence and the use cases (review, plan, progress, KPIs)."""
