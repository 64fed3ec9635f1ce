"""The shop floor's side of the order lifecycle: progress, incidents, feedback, stock and material alerts, forecasts."""
