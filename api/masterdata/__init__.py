"""Master data through GraphQL: upsert and retire mutations for admins and planners, and the admins' auditLog."""
