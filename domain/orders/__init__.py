"""Orders: who may see which (scoping), read queries, and the order use cases."""
