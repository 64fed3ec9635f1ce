"""Production orders: what the lines must make for orders stock does not cover, and the planner's release."""
