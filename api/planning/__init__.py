"""GraphQL of the rolling plan: plan versions, capacity load, scenarios and the replan mutation."""
