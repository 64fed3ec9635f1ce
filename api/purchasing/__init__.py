"""Materials and purchasing: each material's position under the plan in force, and the receipts purchasing records."""
