"""Catalogue in GraphQL: products, customers, production lines, finished-goods stock."""
