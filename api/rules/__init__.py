"""GraphQL of the business rules: what is loaded (ruleSets) and the hot reload (reloadRules)."""
