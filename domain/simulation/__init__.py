"""Plant simulation: a seeded world of demand and incidents run against the service and plain baseline policies."""
