"""Master data as the API reads it: products, customers, production lines and finished-goods stock."""
