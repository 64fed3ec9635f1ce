"""Orders in GraphQL: types, the orders connection and its filters, DataLoaders, subscriptions."""
