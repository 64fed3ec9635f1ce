"""Customer notices (R7) in GraphQL: the notices list, acknowledgeNotice, and Order.notices."""
