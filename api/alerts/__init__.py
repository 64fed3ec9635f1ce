"""Alerts in GraphQL: the alerts connection and the alerts subscription."""
