"""The rolling weekly plan: plant snapshots for the solver, plan versions, the weekly replan."""
