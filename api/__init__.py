"""The GraphQL API: translates GraphQL to domain calls and domain results to GraphQL types."""
