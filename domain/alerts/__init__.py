"""Alerts sales and production must look at: reading them (raising them belongs to each use case)."""
