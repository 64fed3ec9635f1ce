"""What every feature of the API shares: context, auth, permissions, errors, pagination, limits, metrics."""
